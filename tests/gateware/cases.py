"""Named sample sequences for the edge cases, and segments of real recordings."""

import pathlib
import random
import zipfile

from golden.samples import values_to_codes
from golden.wav import parse_pcm16

TRAIN_ZIP = pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "train.zip"


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


def recordings(count, length, offset=0):
    """The 10-bit codes of ``length`` samples from ``offset`` of ``count`` training files."""
    if not TRAIN_ZIP.is_file():
        raise FileNotFoundError(
            f"the training recordings are missing: expected {TRAIN_ZIP.resolve()} "
            "(the challenge's data.zip layout, files under data/)")
    with zipfile.ZipFile(TRAIN_ZIP) as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".wav"))
        step = len(names) // count
        segments = []
        for name in names[::step][:count]:
            pcm = parse_pcm16(archive.read(name))
            codes = values_to_codes(pcm.samples[offset:offset + length])
            assert codes is not None, f"{name} is off the 10-bit lattice"
            segments.append((name, codes))
    return segments
