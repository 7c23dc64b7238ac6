#!/usr/bin/env python3
"""The large recordings of docs/ROBUSTNESS.md's measurements, from the training recordings.

    .venv/bin/python tools/large_inputs.py ../shared/data/train.zip DIR

writes ``DIR/long.wav``, 1 GiB of one channel (the recordings' samples one after another,
repeated), and ``DIR/rec1024.wav``, 1024 channels of 8 s at 19,531 Hz (320 MB; channel ``c``
plays the recordings from the ``c``-th on, one after another), both behind a canonical
header. Either is written a recording at a time or a channel at a time.
"""

import array
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from golden import wav  # noqa: E402

RATE = 19531


def long_recording(bodies, path, size=1 << 30):
    count = (size - 44) // 2
    with open(path, "wb") as f:
        f.write(wav.header(RATE, 1, count))
        left, i = 2 * count, 0
        while left:
            body = bodies[i % len(bodies)].tobytes()[:left]
            f.write(body)
            left -= len(body)
            i += 1


def many_channels(bodies, path, channels=1024, seconds=8):
    frames = seconds * RATE
    out = array.array("h", bytes(2 * channels * frames))
    for c in range(channels):
        samples, i = array.array("h"), c
        while len(samples) < frames:
            samples += bodies[i % len(bodies)]
            i += 1
        out[c::channels] = samples[:frames]
    with open(path, "wb") as f:
        f.write(wav.header(RATE, channels, channels * frames))
        out.tofile(f)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: large_inputs.py TRAIN.zip DIR")
    with zipfile.ZipFile(argv[0]) as z:
        names = sorted(n for n in z.namelist() if n.lower().endswith(".wav"))
        bodies = [array.array("h", z.read(n)[44:]) for n in names]
    directory = Path(argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    long_recording(bodies, directory / "long.wav")
    many_channels(bodies, directory / "rec1024.wav")


if __name__ == "__main__":
    main(sys.argv[1:])
