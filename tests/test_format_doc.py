"""docs/FORMAT.md describes the golden model: a decoder written from it alone agrees."""

import importlib.util
import random
import struct
from pathlib import Path

import pytest

from golden import container, core, wav

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


@pytest.mark.parametrize("coder", ["rice", "arith"])
@pytest.mark.parametrize("name", CASES)
def test_independent_decoder_restores(name, coder):
    original = CASES[name]()
    assert independent.decompress(container.compress(original, coder=coder)) == original


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_independent_decoder_restores_recordings(coder):
    for name, original in training_recordings(2, samples=20_000):
        data = container.compress(original, coder=coder)
        assert independent.decompress(data) == original, name


def test_worked_example_of_the_arithmetic_coded_stream():
    # docs/FORMAT.md 10.3
    samples = [487, 480, 475, 486, 482, 491, 487, 489]
    data = bytes.fromhex("F2 76 92 55 27 96 34 00")
    assert core.encode(samples, 10, coder="arith") == data
    assert independent.decode_stream(data, 8, 10, 1, arith=True) == samples


@pytest.mark.parametrize("data", [b"\xff\xff", b"\x00", b"\x10\x00\x00\x01"])
def test_independent_decoder_rejects_arith_streams_as_golden(data):
    with pytest.raises(ValueError):
        core.decode(data, 1, 10, coder="arith")
    with pytest.raises(independent.Reject):
        independent.decode_stream(data, 1, 10, 1, arith=True)
