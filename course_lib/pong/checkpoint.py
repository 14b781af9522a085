"""Checkpoints of the Pong trainer (chapter 5): plain .npz files, written atomically, read
without pickle.

A run directory holds
    checkpoint.npz          W1, W2 (float32, ~5 MB: the weights to ship), counters, the
                            config and the action sampler's RNG state (JSON strings)
    rmsprop-<updates>.npz   the optimiser's caches (~5 MB), named by the update count
    log.csv                 one row per episode

Every file is written to a temporary file in the same directory, flushed to disk (fsync) and
renamed over the old one with os.replace, which is atomic: a crash leaves either the old file
or the new one, never half of one. The optimiser file is written first under a new name and
the old one is deleted only after checkpoint.npz points at the new one, so the pair on disk is
always consistent.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

CHECKPOINT = "checkpoint.npz"
FORMAT_VERSION = 1


def atomic_write(path, write, *, mode: str = "wb") -> None:
    """Write `path` all-or-nothing: `write(file)` into a temp file, fsync, os.replace.

    A crash at any point leaves either the old file or the new one, never half of one.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "note.txt"
        ...     atomic_write(path, lambda f: f.write("all or nothing"), mode="w")
        ...     path.read_text(), sorted(p.name for p in Path(folder).iterdir())  # no temp file
        ('all or nothing', ['note.txt'])
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, mode, **({} if "b" in mode else {"newline": ""})) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    # Make the rename itself durable: fsync the directory entry.
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_savez(path, arrays: dict) -> None:
    """`np.savez(path, **arrays)`, but all-or-nothing (`atomic_write`).

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     atomic_savez(Path(folder) / "a.npz", {"w": np.arange(3)})
        ...     np.load(Path(folder) / "a.npz")["w"]
        array([0, 1, 2])
    """
    atomic_write(path, lambda f: np.savez(f, **arrays))


def save_checkpoint(run_dir, state: dict, optimizer_state: dict) -> Path:
    """Write the optimiser file, then checkpoint.npz pointing at it; remove stale optimiser files.

    `state` holds arrays and scalars (W1, W2, counters, JSON strings); `state["updates"]`
    names the optimiser file.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     for updates in (1, 2):
        ...         path = save_checkpoint(folder, {"updates": updates}, {"cache": np.zeros(2)})
        ...     path.name, sorted(p.name for p in Path(folder).glob("rmsprop-*"))
        ('checkpoint.npz', ['rmsprop-00000002.npz'])
    """
    run_dir = Path(run_dir)
    opt_name = f"rmsprop-{int(state['updates']):08d}.npz"
    atomic_savez(run_dir / opt_name, {**optimizer_state, "updates": np.int64(state["updates"])})
    arrays = {key: np.asarray(value) for key, value in state.items()}
    arrays["optimizer_file"] = np.asarray(opt_name)
    arrays["format_version"] = np.asarray(FORMAT_VERSION)
    atomic_savez(run_dir / CHECKPOINT, arrays)
    for old in run_dir.glob("rmsprop-*.npz"):
        if old.name != opt_name:
            old.unlink()
    return run_dir / CHECKPOINT


def _read_npz(path) -> dict:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def load_checkpoint(run_dir) -> tuple[dict, dict]:
    """(state, optimizer_state) as saved by `save_checkpoint`; 0-d arrays become Python scalars.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     _ = save_checkpoint(folder, {"updates": 3, "config": "{}"}, {"c": np.ones(2)})
        ...     state, opt = load_checkpoint(folder)
        >>> state["updates"], state["config"], opt["c"]
        (3, '{}', array([1., 1.]))
    """
    run_dir = Path(run_dir)
    path = run_dir / CHECKPOINT
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint to resume from: {path} does not exist")
    state = _read_npz(path)
    if int(state.get("format_version", -1)) != FORMAT_VERSION:
        raise ValueError(f"{path} is not a version-{FORMAT_VERSION} Pong checkpoint")
    state = {k: (v.item() if v.ndim == 0 else v) for k, v in state.items()}
    opt = _read_npz(run_dir / state["optimizer_file"])
    if int(opt["updates"]) != int(state["updates"]):
        raise ValueError(
            f"{state['optimizer_file']} belongs to update {int(opt['updates'])}, "
            f"the checkpoint to update {state['updates']}"
        )
    return state, opt


def load_weights(path) -> tuple[np.ndarray, np.ndarray]:
    """W1 (H, 6400) and W2 (H,) from a checkpoint.npz (or any .npz holding them).

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "weights.npz"
        ...     np.savez(path, W1=np.zeros((2, 6400)), W2=np.ones(2))
        ...     W1, W2 = load_weights(path)
        >>> W1.shape, W2.shape
        ((2, 6400), (2,))
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"weights file {path} does not exist")
    data = _read_npz(path)
    if "W1" not in data or "W2" not in data:
        raise ValueError(f"{path} holds no W1 and W2 arrays (found {sorted(data)})")
    W1, W2 = data["W1"], data["W2"]
    if W1.ndim != 2 or W2.shape != (W1.shape[0],):
        raise ValueError(f"{path}: W1 {W1.shape} and W2 {W2.shape} do not fit together")
    return W1, W2
