"""Named sample sequences for the edge cases, and segments of real recordings."""

import random

from golden.samples import values_to_codes
from golden.wav import parse_pcm16

from ..recordings import training_recordings


def make(name, width, count, seed=0):
    """``count`` samples of ``width`` bits of the case ``name``."""
    top = (1 << width) - 1
    rng = random.Random(seed)
    if name == "zeros":
        return [0] * count
    if name == "constant":
        return [top // 3] * count
    if name == "full-scale":
        return [top] * count
    if name == "alternating":  # full-scale alternation: every residual near the limit
        return [top * (i & 1) for i in range(count)]
    if name == "ramp":
        return [i & top for i in range(count)]
    if name == "steep-ramp":
        return [(i * 37) & top for i in range(count)]
    if name == "escapes":  # quiet, then jumps: the Rice state is small when they come
        return [top // 2 if i % 23 else rng.randrange(top + 1) for i in range(count)]
    if name == "random":
        return [rng.randrange(top + 1) for _ in range(count)]
    if name == "walk":
        x, out = top // 2, []
        for _ in range(count):
            x = min(top, max(0, x + rng.randint(-3, 3)))
            out.append(x)
        return out
    raise ValueError(f"no case {name!r}")


NAMES = ["zeros", "constant", "full-scale", "alternating", "ramp", "steep-ramp", "escapes",
         "random", "walk"]


def recordings(count, length):
    """The 10-bit codes of the first ``length`` samples of ``count`` training recordings."""
    segments = []
    for name, data in training_recordings(count, samples=length):
        codes = values_to_codes(parse_pcm16(data).samples)
        assert codes is not None, f"{name} is off the 10-bit lattice"
        segments.append((name, codes))
    return segments
