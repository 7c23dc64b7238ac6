"""Tests of neurorice.fast.container: golden.container's file format, per sample in C."""

import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import adc, core, wav
from golden import container as golden
from golden.samples import CODE_TO_VALUE, codes_to_values
from neurorice.fast import container as fast
from tests.golden.test_container import (chunk, fmt_chunk, lattice_walk, pcm, riff, varint,
                                         wav_file)
from tests.recordings import training_recordings

quick = settings(database=None, deadline=None, max_examples=30)


def outcome(function, *args):
    """What ``function(*args)`` gives: ``("value", result)`` or ``("error", type, message)``."""
    try:
        return "value", function(*args)
    except Exception as error:  # noqa: BLE001 - the exception is what is compared
        return "error", type(error), str(error)


def assert_same(original, coder="rice", table=None, name=""):
    """Fast and golden compress ``original`` alike, and the fast path restores it; a
    failure names ``name``."""
    data = golden.compress(original, coder=coder, table=table)
    assert fast.compress(original, coder=coder, table=table) == data, f"{name}: compressed"
    assert fast.decompress(data) == original, f"{name}: restored"
    return data


CODERS = list(core.CODERS)
#: The golden "adc" back end compresses about 45 k samples/s (decompresses 17 k): where a
#: test would take it seconds, it codes fewer or shorter recordings (``neurorice verify-fast
#: --coder adc`` checks whole ones).
ADC_SAMPLES = 60000

# real recordings


@pytest.mark.parametrize("coder", CODERS)
def test_whole_training_recordings(coder):
    # the golden model takes about a second a recording: a few, spread over the set
    if coder == "adc":
        recordings = training_recordings(1, samples=ADC_SAMPLES)
    else:
        recordings = training_recordings(3)
    for name, original in recordings:
        assert_same(original, coder, name=name)


@pytest.mark.parametrize("coder", CODERS)
def test_every_training_recording_begins_alike(coder):
    for name, original in training_recordings(60 if coder == "adc" else 10**6, samples=1000):
        assert_same(original, coder, name=name)


@pytest.mark.parametrize("coder", CODERS)
def test_every_training_recording_round_trips(coder):
    for name, original in training_recordings(100 if coder == "adc" else 10**6):
        assert fast.decompress(fast.compress(original, coder=coder)) == original, name


#: Width tables of the adc back end: built-in (stored by id) and inline ones.
TABLES = {
    "built-in": None,
    "uniform": adc.UNIFORM,
    "inline": adc.AdcTable([30, 2, 0, 32], {5: 200, 6: 0, 1023: 0}),
    "inline, zero-width codes": adc.AdcTable([255] + [0] * 15, {0: 0, 511: 0, 512: 40}),
}


@pytest.mark.parametrize("name", TABLES)
def test_adc_tables(name):
    # a table is the 10-bit ADC's: ADC10 files carry it, 16-bit ones the uniform one
    for original in (FILES["lattice walk"], FILES["lattice 7 channels"], FILES["off lattice"]):
        assert_same(original, "adc", TABLES[name])
    for recording, original in training_recordings(1, samples=5000):
        assert_same(original, "adc", TABLES[name]), recording


# files of every kind


def off_lattice(count, seed=0, step=50):
    rng = random.Random(seed)
    samples, value = [], 0
    for _ in range(count):
        value = max(-32768, min(32767, value + rng.randint(-step, step)))
        samples.append(value)
    return samples


INFO = chunk(b"LIST", b"INFOICMT\x05\x00\x00\x00hello\x00")
FILES = {
    "empty": b"",
    "one byte": b"\x00",
    "text": b"not a recording at all " * 200,
    "lattice walk": wav_file(lattice_walk(3000)),
    "lattice stereo": wav_file(lattice_walk(3000, channels=2), 2),
    "lattice 7 channels": wav_file(lattice_walk(2100, channels=7), 7),
    "lattice 1024 channels": wav_file(lattice_walk(8192, channels=1024), 1024),
    "lattice square": wav_file([-32768, 32767] * 1000),
    "lattice ramp": wav_file(list(CODE_TO_VALUE) * 2),
    "lattice constant": wav_file([CODE_TO_VALUE[600]] * 3000),
    "off lattice": wav_file(off_lattice(3000)),
    "off lattice stereo": wav_file(off_lattice(3000, step=300), 2),
    "one value off": wav_file(lattice_walk(999) + [1]),
    "zero": wav_file([0] * 3000),
    "full ramp": wav_file(list(range(-32768, 32768, 16))),
    "full-scale noise": wav_file([random.Random(1).randint(-32768, 32767) for _ in range(2000)]),
    "square about zero": wav_file([-32768, 32767, 0, 0] * 500),
    "list chunk before data": riff(fmt_chunk(), INFO, chunk(b"data", pcm(lattice_walk(2000)))),
    "list chunk after data": riff(fmt_chunk(), chunk(b"data", pcm(lattice_walk(2000))), INFO),
    "odd data": riff(fmt_chunk(), chunk(b"odd!", b"abc"),
                     chunk(b"data", pcm(lattice_walk(2000)) + b"\x05")),
    "trailing byte": wav_file(lattice_walk(2000)) + b"\x01",
    "data longer than file": wav_file(lattice_walk(2000))[:-7],
    "8-bit": wav_file([(128 + 10 * (n % 7)) % 256 for n in range(3000)], width=1),
    "float": riff(fmt_chunk(bits=32, tag=3), chunk(b"data", bytes(4000))),
    "huge rate": riff(chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 1 << 31, 0, 0, 16)),
                      chunk(b"data", pcm(lattice_walk(2000)))),
    "huge block": riff(chunk(b"fmt ", struct.pack("<HHIIHH", 1, 32768, 8000, 0, 0, 16)),
                       chunk(b"data", pcm(lattice_walk(2000)))),
    "no data chunk": riff(fmt_chunk()),
    "data before fmt": riff(chunk(b"data", pcm(lattice_walk(100))), fmt_chunk()),
    "zero channels": riff(fmt_chunk(channels=0), chunk(b"data", pcm(lattice_walk(100)))),
}


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("name", FILES)
def test_named_files(name, coder):
    assert_same(FILES[name], coder)


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("name", FILES)
def test_named_files_cut(name, coder):
    original = FILES[name]
    cuts = {0, 1, 11, 12, 20, 35, 36, 43, 44, 45, 46, 99}
    if coder != "adc":  # the whole file but a byte: for adc, test_named_files' whole ones
        cuts.add(len(original) - 1)
    for cut in sorted(cuts):
        if cut <= len(original):
            assert_same(original[:cut], coder)


@quick
@given(st.integers(1, 5).flatmap(
    lambda c: st.tuples(st.just(c), st.lists(st.integers(0, 1023), max_size=400))),
    st.sampled_from(CODERS))
def test_random_lattice_files(case, coder):
    channels, codes = case
    assert_same(wav_file(codes_to_values(codes[: len(codes) - len(codes) % channels]), channels),
                coder)


@quick
@given(st.lists(st.integers(-32768, 32767), max_size=400), st.integers(1, 100000),
       st.sampled_from(CODERS))
def test_random_16_bit_files(samples, rate, coder):
    assert_same(wav_file(samples, rate=rate), coder)


@quick
@given(st.binary(max_size=300))
def test_random_bytes(original):
    assert_same(original)


# the WAV layout the containers share: where golden.wav.parse_pcm16 finds the samples


def chunks():
    """Chunk lists of RIFF files, valid or not: fmt and data chunks with fuzzed fields."""
    fmt = st.builds(
        lambda tag, channels, rate, bits, extra: chunk(
            b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, 0, 0, bits) + extra),
        st.sampled_from([1, 3, 0xFFFE]), st.integers(0, 3), st.integers(0, 2**32 - 1),
        st.sampled_from([8, 16, 24]), st.binary(max_size=3))
    short_fmt = st.binary(max_size=15).map(lambda body: chunk(b"fmt ", body))
    data = st.binary(max_size=40).map(lambda body: chunk(b"data", body))
    other = st.binary(max_size=9).map(lambda body: chunk(b"LIST", body))
    lying = st.tuples(st.sampled_from([b"data", b"fmt ", b"junk"]), st.integers(0, 2**32 - 1),
                      st.binary(max_size=20)).map(
        lambda t: t[0] + struct.pack("<I", t[1]) + t[2])
    return st.lists(st.one_of(fmt, short_fmt, data, other, lying), max_size=4)


@settings(database=None, deadline=None, max_examples=400)
@given(chunks(), st.integers(0, 200))
def test_layout_matches_parse_pcm16(parts, cut):
    original = riff(*parts)
    original = original[: len(original) - cut % (len(original) + 1)]
    expected = wav.parse_pcm16(original)
    layout = wav.locate_pcm16(original)
    if expected is None:
        assert layout is None
    else:
        body, count, channels, rate = layout
        assert original[:body] == expected.prefix
        assert struct.unpack_from(f"<{count}h", original, body) == expected.samples
        assert original[body + 2 * count :] == expected.suffix
        assert (channels, rate) == (expected.channels, expected.rate)


@quick
@given(chunks())
def test_fuzzed_riff_files(parts):
    assert_same(riff(*parts))


# malformed compressed files: the same error, word for word


@pytest.fixture(scope="module")
def compressed_files():
    """Small compressed files of each mode and mapping."""
    return {name: golden.compress(original) for name, original in {
        "adc10": wav_file(lattice_walk(300)),
        "adc10 stereo with chunks": riff(fmt_chunk(channels=2), INFO,
                                         chunk(b"data", pcm(lattice_walk(300, channels=2)))),
        "linear16": wav_file(off_lattice(300, step=300)),
        "stored lzma": FILES["text"],
        "stored": bytes(random.Random(2).randrange(256) for _ in range(100)),
    }.items()} | {f"{name} arith": golden.compress(original, coder="arith") for name, original in {
        "adc10": wav_file(lattice_walk(300)),
        "linear16 stereo": wav_file(off_lattice(300, step=300), 2),
    }.items()} | {f"{name} adc": golden.compress(original, coder="adc", table=table)
                  for name, original, table in [
        # shorter: the golden adc decoder decodes each corruption at 17 k samples/s
        ("adc10", wav_file(lattice_walk(40)), None),
        ("adc10 inline table", wav_file(lattice_walk(40)), TABLES["inline"]),
        ("linear16 stereo", wav_file(off_lattice(40, step=300), 2), None),
    ]}


def test_the_adc_files_are_coded_so(compressed_files):
    for name, data in compressed_files.items():
        if name.endswith(" adc"):
            _, offset = varint(data, 6)
            _, offset = varint(data, offset)
            assert data[4] == golden.CORE and data[offset] & golden.ADC, name


def assert_same_decompress(data):
    assert outcome(fast.decompress, data) == outcome(golden.decompress, data)


def test_every_bit_flip(compressed_files):
    for data in compressed_files.values():
        for bit in list(range(8 * min(len(data), 40))) + list(range(320, 8 * len(data), 7)):
            corrupted = bytearray(data)
            corrupted[bit // 8] ^= 0x80 >> bit % 8
            assert_same_decompress(bytes(corrupted))


def test_every_truncation(compressed_files):
    for data in compressed_files.values():
        for cut in list(range(min(60, len(data)))) + list(range(60, len(data), 37)):
            assert_same_decompress(data[:cut])
        assert_same_decompress(data + b"\x00")


@pytest.mark.parametrize("data", [
    b"", b"NRC", b"NRC\x02", b"NRC\x01\x07", b"NRC\x01\x01\x05", b"NRC\x01\x01\x01\x00",
    b"NRC\x01\x01\x01\x01\x80\x80\x80\x80\x10\x01\xcb\x98\x01" + bytes(20),
    b"NRC\x01\x01\x01\x01\x01\x01\x09" + bytes(8),
    b"NRC\x01\x01\x00\xff\xff\x7f\x01\x01\x01" + bytes(8),
    b"NRC\x01\x01\x01\x01\x01\x01\x80\x80\x80\x80\x7f" + bytes(8),
    # version 2: the adc flag, its width table
    b"NRC\x01\x01\x01\x01\x01\x08" + bytes(8),  # the adc flag in version 1
    b"NRC\x02\x01\x01\x01\x01\x0a" + bytes(8),  # arith and adc
    b"NRC\x02\x01\x01\x01\x01\x08\x07" + bytes(8),  # no built-in table 7
    b"NRC\x02\x01\x01\x01\x01\x08\xff\x01\x10",  # an inline table cut short
    b"NRC\x02\x01\x01\x01\x01\x08\xff\x0b" + bytes(2048 + 8),  # a period beyond 10 bits
    b"NRC\x02\x01\x01\x01\x01\x08\xff\x00\x00\x00" + bytes(8),  # every code 0 wide
    b"NRC\x02\x01\x01\x01\x01\x0c\x01\x01\x01\x01\x80\x9a\x01" + bytes(8),  # near
])
def test_named_corruptions(data):
    assert_same_decompress(data)


@quick
@given(st.binary(max_size=60))
def test_arbitrary_compressed_files(tail):
    for head in (b"NRC\x01\x01\x01\x01\x10", b"NRC\x01\x01\x00\x01\x20\x01", b"NRC\x01\x00",
                 b"NRC\x02\x01\x01\x01\x10\x08", b"NRC\x02\x01\x01\x01\x10\x08\x01\x01"):
        assert_same_decompress(head + tail)


# near-lossless files


@pytest.mark.parametrize("near", [1, 4])
def test_near_whole_training_recording(near):
    # the golden model takes seconds a recording: `neurorice near-check` does all on the fast path
    for name, original in training_recordings(1):
        data = golden.compress(original, near=near)
        assert fast.compress(original, near=near) == data, name
        assert fast.decompress(data) == golden.decompress(data), name


@pytest.mark.parametrize("near", [0, 1, 3])
@quick
@given(case=st.tuples(st.integers(0, 3000), st.integers(0, 99), st.integers(1, 4)))
def test_near_random_lattice_files(near, case):
    length, seed, channels = case
    original = wav_file(lattice_walk(length, seed, channels), channels)
    data = golden.compress(original, near=near)
    assert fast.compress(original, near=near) == data
    assert fast.decompress(data) == golden.decompress(data)


@pytest.mark.parametrize("near", [1, 4])
def test_near_adc_training_recording(near):
    for name, original in training_recordings(1, samples=5000):
        data = golden.compress(original, coder="adc", near=near)
        assert fast.compress(original, coder="adc", near=near) == data, name
        assert fast.decompress(data) == golden.decompress(data), name


@pytest.mark.parametrize("near", [1, 3])
@settings(database=None, deadline=None, max_examples=8)
@given(case=st.tuples(st.integers(0, 600), st.integers(0, 99), st.integers(1, 4)))
def test_near_adc_random_lattice_files(near, case):
    length, seed, channels = case
    original = wav_file(lattice_walk(length, seed, channels), channels)
    data = golden.compress(original, coder="adc", near=near, table=TABLES["inline"])
    assert fast.compress(original, coder="adc", near=near, table=TABLES["inline"]) == data
    assert fast.decompress(data) == golden.decompress(data)


@pytest.mark.parametrize("near", [1, 5])
def test_near_adc_corrupted_files(near):
    original = wav_file(lattice_walk(500, 3))
    data = golden.compress(original, coder="adc", near=near)
    rng = random.Random(near)
    for _ in range(20):
        corrupted = bytearray(data)
        corrupted[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        assert outcome(fast.decompress, bytes(corrupted)) == outcome(
            golden.decompress, bytes(corrupted))


@pytest.mark.parametrize("near", [1, 5])
def test_near_corrupted_files(near):
    original = wav_file(lattice_walk(2000, 3))
    data = golden.compress(original, near=near)
    rng = random.Random(near)
    for _ in range(60):
        corrupted = bytearray(data)
        corrupted[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        assert outcome(fast.decompress, bytes(corrupted)) == outcome(
            golden.decompress, bytes(corrupted))


# version 3: pieces, and the file interface


@pytest.mark.parametrize("coder", CODERS)
@pytest.mark.parametrize("near", [0, 3])
@pytest.mark.parametrize("channels", [1, 7])
def test_pieces_as_golden(monkeypatch, coder, near, channels):
    monkeypatch.setattr(golden, "PIECE", 500)
    original = wav_file(lattice_walk(3000, channels=channels), channels)
    data = fast.compress(original, coder=coder, near=near)
    assert data == golden.compress(original, coder=coder, near=near)
    assert fast.decompress(data) == golden.decompress(data)
    for cut in (1, 17, len(data) // 2):
        assert outcome(fast.decompress, data[:-cut]) == outcome(golden.decompress, data[:-cut])


def test_the_file_interface_streams_as_the_bytes_one(tmp_path, monkeypatch):
    monkeypatch.setattr(golden, "PIECE", 1000)
    original = wav_file(lattice_walk(5000))
    (tmp_path / "in").write_bytes(original)
    with open(tmp_path / "in", "rb") as source, open(tmp_path / "out", "w+b") as sink:
        fast.compress_file(source, sink, coder="adc")
    assert (tmp_path / "out").read_bytes() == golden.compress(original, coder="adc")
    with open(tmp_path / "out", "rb") as source, open(tmp_path / "back", "wb") as sink:
        fast.decompress_file(source, sink)
    assert (tmp_path / "back").read_bytes() == original
