"""Pong from pixels (Karpathy 2016), trained for real on a CPU: the Pong chapter's library.

Modules, one idea each:
    prepro      a 210x160 RGB frame -> 6,400 zeros and ones
    envs        ALE/Pong-v5 and the matching ale-py vector env (UP = 2, DOWN = 3)
    sparse      the two-layer policy's forward and backward passes on sparse frames
    config      TrainConfig, the trainer's settings
    checkpoint  atomic .npz checkpoints, read without pickle
    trainer     the training loop
    play        evaluation games and animations
    cli         `python -m course_lib.pong train | evaluate | record`
"""

from course_lib.pong.prepro import N_PIXELS, prepro, prepro_batch

__all__ = ["N_PIXELS", "prepro", "prepro_batch"]
