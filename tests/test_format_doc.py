"""docs/FORMAT.md describes the golden model: a decoder written from it alone agrees."""

import importlib.util
import random
import struct
from pathlib import Path

import pytest

from golden import adc, container, core, wav
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


@pytest.mark.parametrize("coder", core.CODERS)
@pytest.mark.parametrize("name", CASES)
def test_independent_decoder_restores(name, coder):
    original = CASES[name]()
    assert independent.decompress(container.compress(original, coder=coder)) == original


@pytest.mark.parametrize("coder", core.CODERS)
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


@pytest.mark.parametrize("coder", ["rice", "adc"])
@pytest.mark.parametrize("near", [1, 2, 7])
def test_independent_decoder_near_lossless(near, coder):
    for name, original in training_recordings(2, samples=20_000):
        data = container.compress(original, near=near, coder=coder)
        assert container.near_of(data) == near
        assert independent.decompress(data) == container.decompress(data), name


def test_independent_decoder_near_lossless_wraps():
    # full-scale jumps make the reduced residual wrap (5.7)
    codes = [0, 1023, 0, 1023, 512, 0, 1023, 3, 1020] * 40
    original = wav.header(19531, 1, len(codes)) + struct.pack(
        f"<{len(codes)}h", *[CODE_TO_VALUE[c] for c in codes])
    for near in (1, 3, 100, 511):
        for coder in core.CODERS:
            data = container.compress(original, near=near, coder=coder)
            assert independent.decompress(data) == container.decompress(data)


@pytest.mark.parametrize("table", [
    adc.AdcTable([16]),  # the uniform table, inline rather than by its id
    adc.AdcTable([30, 2, 0, 32], {5: 200, 6: 0, 1023: 0}),
    adc.AdcTable([(x * 37) % 40 for x in range(1024)]),
])
def test_independent_decoder_inline_tables(table):
    for name, original in training_recordings(1, samples=5_000):
        data = container.compress(original, coder="adc", table=table)
        assert independent.decompress(data) == original, name


def _table_at(data):
    """Where a core file's table field is, after its channels, count and flags (2.2)."""
    at = 6
    for _ in range(2):  # channels, count: varints
        while data[at] & 0x80:
            at += 1
        at += 1
    return at + 1


def _natural_order(data, version):
    """A lossless Rice or arithmetic-coded ADC10 file of version 4 written with the uniform
    table, as ``version`` (1 to 3) wrote it: without the table field (2.2, 5.9)."""
    data = bytearray(data)
    assert data[3] == 4 and data[_table_at(data)] == 0
    del data[_table_at(data)]
    data[3] = version
    return bytes(data)


def test_a_version_1_file_still_decodes():
    # a file of an earlier version: the arithmetic-coded stream of 10.3's samples
    samples = [487, 480, 475, 486, 482, 491, 487, 489]
    body = struct.pack("<8h", *[CODE_TO_VALUE[c] for c in samples])
    original = wav.header(19531, 1, 8) + body
    data = _natural_order(container.compress(original, coder="arith", table=adc.UNIFORM), 1)
    assert container.decompress(data) == original
    assert independent.decompress(data) == original


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_a_version_3_file_still_decodes(coder):
    # the natural order of codes above 511, which version 4 ranks one lower (5.9)
    for name, original in training_recordings(2, samples=20_000):
        data = container.compress(original, coder=coder, table=adc.UNIFORM)
        old = _natural_order(data, 3)
        assert container.decompress(old) == original, name
        assert independent.decompress(old) == original, name
        ranked = container.compress(original, coder=coder)
        assert ranked[_table_at(ranked)] == 1 and len(ranked) < len(data), name
        assert independent.decompress(ranked) == original, name


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_independent_decoder_rank_orders(coder):
    # missing codes of an inline table, at the ends and in the middle, and samples on them
    table = adc.AdcTable([16] * 4, {0: 0, 511: 0, 600: 0, 1023: 0})
    # (rare: the encoder takes the natural order for an ADC that produces them, 5.9)
    codes = [c for c in (512 + (i * 37) % 301 - 150 for i in range(20_000)) if c not in (511, 600)]
    codes = [0, *codes[:9000], 511, *codes[9000:], 600, 1023]
    original = wav.header(19531, 2, len(codes)) + struct.pack(
        f"<{len(codes)}h", *[CODE_TO_VALUE[c] for c in codes])
    data = container.compress(original, coder=coder, table=table)
    assert data[_table_at(data)] == 255  # inline, and so the rank order
    assert container.decompress(data) == original
    assert independent.decompress(data) == original


def test_a_version_2_file_still_decodes():
    # the ADC-aware form, as version 2 wrote it: version 4's without pieces
    for name, original in training_recordings(1, samples=5_000):
        data = bytearray(container.compress(original, coder="adc"))
        data[3] = 2
        assert container.decompress(bytes(data)) == original
        assert independent.decompress(bytes(data)) == original, name


@pytest.mark.parametrize("coder", core.CODERS)
@pytest.mark.parametrize("channels", [1, 3])
def test_independent_decoder_reads_pieces(monkeypatch, coder, channels):
    # pieces of a few hundred samples, so that a short file has several (2.4)
    monkeypatch.setattr(container, "PIECE", 300)
    for name, original in training_recordings(1, samples=2_000):
        if channels > 1:
            count = (len(original) - 44) // 2 // channels * channels
            original = wav.header(19531, channels, count) + original[44 : 44 + 2 * count]
        data = container.compress(original, coder=coder, near=2 if coder == "adc" else 0)
        assert independent.decompress(data) == container.decompress(data), name
        with pytest.raises(independent.Reject):
            independent.decompress(data + b"\x00")
