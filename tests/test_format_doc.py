"""docs/FORMAT.md describes the golden model: a decoder written from it alone agrees."""

import importlib.util
import random
import struct
from pathlib import Path

import pytest

from golden import container, wav
from golden.samples import CODE_TO_VALUE

from .recordings import training_recordings

ROOT = Path(__file__).resolve().parent.parent


def _independent_decoder():
    spec = importlib.util.spec_from_file_location(
        "independent_decoder", ROOT / "tools" / "independent_decoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


independent = _independent_decoder()


def _stereo_off_lattice(count=3000):
    rng = random.Random(7)
    values = [rng.randrange(-3000, 3000) for _ in range(2 * count)]
    body = struct.pack(f"<{len(values)}h", *values)
    return wav.header(44100, 2, len(values)) + body


def _odd_header():
    values = list(range(-500, 500, 3))
    body = struct.pack(f"<{len(values)}h", *values)
    header = bytearray(wav.header(8000, 3, len(values)))
    return bytes(header[:36]) + b"LIST\x04\x00\x00\x00abcd" + bytes(header[36:]) + body + b"tail"


CASES = {
    "stereo off-lattice": _stereo_off_lattice,
    "3 channels, extra chunk, trailing bytes": _odd_header,
    "not a WAV": lambda: bytes(random.Random(3).randrange(256) for _ in range(5000)),
    "empty": lambda: b"",
}


@pytest.mark.parametrize("name", CASES)
def test_independent_decoder_restores(name):
    original = CASES[name]()
    assert independent.decompress(container.compress(original)) == original


def test_independent_decoder_restores_recordings():
    for name, original in training_recordings(2, samples=20_000):
        assert independent.decompress(container.compress(original)) == original, name


@pytest.mark.parametrize("near", [1, 2, 7])
def test_independent_decoder_near_lossless(near):
    for name, original in training_recordings(2, samples=20_000):
        data = container.compress(original, near=near)
        assert container.near_of(data) == near
        assert independent.decompress(data) == container.decompress(data), name


def test_independent_decoder_near_lossless_wraps():
    # full-scale jumps make the reduced residual wrap (5.6)
    codes = [0, 1023, 0, 1023, 512, 0, 1023, 3, 1020] * 40
    original = wav.header(19531, 1, len(codes)) + struct.pack(
        f"<{len(codes)}h", *[CODE_TO_VALUE[c] for c in codes])
    for near in (1, 3, 100, 511):
        data = container.compress(original, near=near)
        assert independent.decompress(data) == container.decompress(data)
