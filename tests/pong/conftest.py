"""Fixtures of the Pong tests."""

import pytest

from tests.pong.tiny_run import train


@pytest.fixture(scope="session")
def one_go(tmp_path_factory):
    """The reference: two segments in one call."""
    run_dir = tmp_path_factory.mktemp("one_go")
    trainer = train(run_dir, 1000)
    assert trainer.segments == 2 and trainer.updates >= 2
    return run_dir
