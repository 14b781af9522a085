"""Pong from pixels (Karpathy 2016), trained for real on a CPU: the library of chapter 5.

Modules, one idea each:
    prepro        a 210x160 RGB frame -> 6,400 zeros and ones
    envs          ALE/Pong-v5 and the matching ale-py vector env (UP = 2, DOWN = 3)
    reference     the lesson: REINFORCE one game at a time, dense NumPy (the oracle)
    config        TrainConfig, the trainer's settings
    trainer       the training loop, made fast with the devices below
    gray          x_t from the emulator's grey levels
    sparse        the two-layer policy's forward and backward passes on sparse frames
    history       a group of games' steps, kept until each game's episode ends
    learner       RMSProp with its step taken off the main thread
    checkpoint    atomic .npz checkpoints, read without pickle
    play          the one game loop: evaluation games, clips and GIF files of trained weights
    plots         the chapter's pictures, its log readers and the one GIF writer
    widgets       inside the agent: one rally step by step, as the policy network sees it
    export        ship a run's weights and log with the book
    time_to_beat  how long training takes to beat the built-in AI, over several seeds
    cli           `python -m course_lib.pong train | evaluate | record`
"""

from course_lib.pong.prepro import N_PIXELS, prepro, prepro_batch

__all__ = ["N_PIXELS", "prepro", "prepro_batch"]
