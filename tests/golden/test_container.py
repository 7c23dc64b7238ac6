"""Tests of golden.container: the compressed file format of ``./encode`` and ``./decode``."""

import io
import random
import struct
import wave
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import adc, container, wav
from golden.container import FormatError, compress, decompress
from golden.samples import CODE_TO_VALUE, codes_to_values, values_to_codes

quick = settings(database=None, deadline=None, max_examples=20)
TRAIN = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "train.zip"
RATE = 19531


# building inputs


def pcm(samples):
    return struct.pack(f"<{len(samples)}h", *samples)


def wav_file(frames, channels=1, rate=RATE, width=2):
    """A WAV written by Python's ``wave``; ``frames`` are samples (16-bit) or raw bytes."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(pcm(frames) if width == 2 else bytes(frames))
    return out.getvalue()


def chunk(kind, body):
    return kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)


def riff(*chunks):
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def fmt_chunk(channels=1, rate=RATE, bits=16, tag=1):
    block = channels * bits // 8
    return chunk(b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits))


def lattice_walk(length, seed=0, channels=1):
    """A random walk on the ADC lattice, like a quiet recording."""
    rng = random.Random(seed)
    codes, levels = [], [500 + 7 * c for c in range(channels)]
    for _ in range(length // channels):
        for c in range(channels):
            levels[c] = min(1023, max(0, levels[c] + rng.randint(-4, 4)))
            codes.append(levels[c])
    return codes_to_values(codes)


# reading the compressed header


def varint(data, offset):
    value = shift = 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def describe(data):
    """The header fields of a compressed file, as a dict."""
    assert data[:3] == container.MAGIC
    assert data[3] == container.VERSION
    mode = data[4]
    if mode == container.STORED:
        return {"mode": "stored", "lzma": data[5] == container.LZMA}
    assert mode == container.CORE
    channels, offset = varint(data, 6)
    count, offset = varint(data, offset)
    return {
        "mode": "core",
        "mapping": {container.MAP_ADC10: "adc10", container.MAP_LINEAR16: "linear16"}[data[5]],
        "channels": channels,
        "count": count,
        "canonical": bool(data[offset] & container.CANONICAL_HEADER),
    }


def table_at(data):
    """Where a lossless ADC10 core file's width table id is: after its flags."""
    if data[4] != container.CORE or data[5] != container.MAP_ADC10:
        return None
    _, offset = varint(data, 6)
    _, offset = varint(data, offset)
    return offset + 1


def coder_of(data):
    """The back end of a core-mode compressed file, from its flags."""
    _, offset = varint(data, 6)
    _, offset = varint(data, offset)
    flags = data[offset]
    return "arith" if flags & container.ARITH else "adc" if flags & container.ADC else "rice"


def round_trip(original):
    data = compress(original)
    assert decompress(data) == original
    return data


# real recordings


@pytest.fixture(scope="module")
def recordings():
    """Three training recordings and their compressed forms, by name."""
    assert TRAIN.is_file(), f"training data not found at {TRAIN.resolve()}"
    with zipfile.ZipFile(TRAIN) as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".wav"))
        chosen = [names[0], names[len(names) // 2], names[-1]]
        originals = {name: archive.read(name) for name in chosen}
    return {name: (raw, compress(raw)) for name, raw in originals.items()}


@pytest.fixture(scope="module")
def clip(recordings):
    """The first 1000 samples of a real recording, as a canonical WAV."""
    raw = next(iter(recordings.values()))[0]
    return wav_file(struct.unpack_from("<1000h", raw, 44))


def test_real_recordings_round_trip(recordings):
    for name, (raw, data) in recordings.items():
        assert decompress(data) == raw, name


def test_real_recordings_use_the_adc_lattice(recordings):
    for name, (raw, data) in recordings.items():
        assert describe(data) == {
            "mode": "core",
            "mapping": "adc10",
            "channels": 1,
            "count": (len(raw) - 44) // 2,
            "canonical": True,
        }, name


def test_real_recordings_compress(recordings):
    for name, (raw, data) in recordings.items():
        assert len(raw) / len(data) > 3, name


def test_real_clip(clip):
    data = round_trip(clip)
    assert describe(data)["mapping"] == "adc10"


# named inputs


def test_empty_file():
    data = round_trip(b"")
    assert describe(data) == {"mode": "stored", "lzma": False}


def test_one_byte():
    assert describe(round_trip(b"\x00"))["mode"] == "stored"


def test_text_is_stored_with_lzma():
    original = b"not a recording at all " * 200
    data = round_trip(original)
    assert describe(data) == {"mode": "stored", "lzma": True}
    assert len(data) < len(original) // 10


@settings(database=None, deadline=None, max_examples=10)
@given(st.binary(max_size=300))
def test_random_bytes(original):
    data = round_trip(original)
    assert len(data) <= len(original) + 10  # magic, version, mode, flag and CRC


@pytest.mark.parametrize(
    "cut", [0, 1, 4, 8, 11, 12, 16, 20, 24, 35, 36, 40, 43, 44, 45, 46, 47, 100, 1001, 2043, 2044]
)
def test_truncated_wav(clip, cut):
    original = clip[:cut]
    data = round_trip(original)
    if cut >= 1000:
        assert describe(data)["mode"] == "core"
        assert describe(data)["canonical"] is (cut == len(clip))


def test_list_chunk_before_data(clip):
    info = chunk(b"LIST", b"INFOISFT\x0e\x00\x00\x00Lavf58.76.100\x00")
    original = riff(fmt_chunk(), info, chunk(b"data", clip[44:]))
    data = round_trip(original)
    assert describe(data)["mapping"] == "adc10" and not describe(data)["canonical"]


def test_list_chunk_after_data(clip):
    tail = chunk(b"LIST", b"INFOICMT\x05\x00\x00\x00hello\x00")
    original = clip[:4] + struct.pack("<I", len(clip) - 8 + len(tail)) + clip[8:] + tail
    data = round_trip(original)
    assert describe(data)["mapping"] == "adc10" and not describe(data)["canonical"]


def test_odd_sizes(clip):
    round_trip(clip + b"\x01")
    round_trip(riff(fmt_chunk(), chunk(b"odd!", b"abc"), chunk(b"data", clip[44:] + b"\x05")))


@pytest.mark.parametrize("channels", [2, 3])
def test_multichannel_on_the_lattice(channels):
    samples = lattice_walk(1200, channels=channels)
    data = round_trip(wav_file(samples, channels))
    assert describe(data) == {
        "mode": "core",
        "mapping": "adc10",
        "channels": channels,
        "count": 1200,
        "canonical": True,
    }


def test_stereo_off_the_lattice():
    rng = random.Random(3)
    samples = [rng.randint(-300, 300) for _ in range(2000)]
    data = round_trip(wav_file(samples, 2))
    assert describe(data)["mode"] == "core"
    assert describe(data)["mapping"] == "linear16"
    assert describe(data)["channels"] == 2


@pytest.mark.parametrize(
    "name, original",
    [
        ("8-bit", wav_file([(128 + 10 * (n % 7)) % 256 for n in range(3000)], width=1)),
        ("24-bit", wav_file([n * 7 % 256 for n in range(3 * 1000)], width=3)),
        ("32-bit", wav_file([n * 11 % 256 for n in range(4 * 1000)], width=4)),
        ("32-bit stereo", wav_file([n * 13 % 256 for n in range(8 * 500)], channels=2, width=4)),
        (
            "float",
            riff(
                fmt_chunk(bits=32, tag=3),
                chunk(b"data", struct.pack("<1000f", *(0.001 * (n % 50) for n in range(1000)))),
            ),
        ),
        (
            "extensible",
            riff(
                chunk(
                    b"fmt ", struct.pack("<HHIIHH", 0xFFFE, 1, RATE, 2 * RATE, 2, 16) + bytes(24)
                ),
                chunk(b"data", pcm(lattice_walk(1000))),
            ),
        ),
    ],
)
def test_other_formats_are_stored(name, original):
    data = round_trip(original)
    assert describe(data)["mode"] == "stored", name


def test_off_lattice_16_bit():
    rng = random.Random(4)
    samples, value = [], 0
    for _ in range(3000):
        value = max(-32768, min(32767, value + rng.randint(-50, 50)))
        samples.append(value)
    data = round_trip(wav_file(samples))
    assert describe(data) == {
        "mode": "core",
        "mapping": "linear16",
        "channels": 1,
        "count": 3000,
        "canonical": True,
    }


def test_one_sample_off_the_lattice(clip):
    samples = list(struct.unpack_from("<1000h", clip, 44))
    samples[500] += 1
    data = round_trip(wav_file(samples))
    assert describe(data)["mapping"] == "linear16"


@pytest.mark.parametrize(
    "name, samples, mapping",
    [
        ("lattice square", [-32768, 32767] * 1000, "adc10"),
        ("lattice slow square", ([-32768] * 10 + [32767] * 10) * 100, "adc10"),
        ("square about zero", [-32768, 32767, 0, 0] * 500, "stored"),  # LZMA does better
        ("lattice constant", [CODE_TO_VALUE[600]] * 3000, "adc10"),
        ("lattice bottom", [-32768] * 3000, "adc10"),
        ("zero", [0] * 3000, "linear16"),
        ("off-lattice constant", [1234] * 3000, "linear16"),
        ("lattice ramp", list(CODE_TO_VALUE) * 2, "adc10"),
        ("full ramp", list(range(-32768, 32768, 16)), "linear16"),
    ],
)
def test_named_signals(name, samples, mapping):
    original = wav_file(samples)
    data = round_trip(original)
    assert describe(data).get("mapping", "stored") == mapping, name
    if "constant" in name or name in ("zero", "lattice bottom"):
        assert len(data) < len(original) / 5, name


@quick
@given(
    st.integers(1, 3).flatmap(
        lambda c: st.tuples(st.just(c), st.lists(st.integers(0, 1023), max_size=300))
    )
)
def test_random_lattice_files(case):
    channels, codes = case
    codes = codes[: len(codes) - len(codes) % channels]
    original = wav_file(codes_to_values(codes), channels)
    data = round_trip(original)
    if describe(data)["mode"] == "core":
        assert describe(data)["mapping"] == "adc10"


@quick
@given(st.lists(st.integers(-32768, 32767), max_size=300), st.integers(1, 100000))
def test_random_16_bit_files(samples, rate):
    round_trip(wav_file(samples, rate=rate))


@pytest.mark.parametrize(
    "channels, rate",
    [
        (1, 1 << 31),  # a byte rate of 2 ** 32 has no canonical header
        (32768, 8000),  # nor does a block align of 65536
    ],
)
def test_header_fields_out_of_range(channels, rate):
    fields = struct.pack("<HHIIHH", 1, channels, rate, 0, 0, 16)
    round_trip(riff(chunk(b"fmt ", fields), chunk(b"data", pcm(lattice_walk(2000)))))


# malformed compressed files


def flipped(data, bit):
    corrupted = bytearray(data)
    corrupted[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(corrupted)


def positions(data, header_bytes=24, step=13):
    """Every bit of the first ``header_bytes`` bytes, then every ``step``-th bit."""
    head = range(min(8 * header_bytes, 8 * len(data)))
    return list(head) + list(range(len(head), 8 * len(data), step))


@pytest.fixture(scope="module")
def compressed_files(clip):
    """Small compressed files of each mode, by name."""
    info = chunk(b"LIST", b"INFOICMT\x05\x00\x00\x00hello\x00")
    rng = random.Random(9)
    off = [rng.randint(-200, 200) for _ in range(300)]
    files = {
        "adc10 canonical": wav_file(struct.unpack_from("<400h", clip, 44)),
        "adc10 with chunks": riff(fmt_chunk(), info, chunk(b"data", clip[44:644]), info),
        "linear16 stereo": wav_file(off, 2),
        "stored lzma": b"neural data? no. " * 40,
        "stored plain": bytes(rng.randrange(256) for _ in range(200)),
    }
    return {name: compress(original) for name, original in files.items()}


def test_compressed_files_modes(compressed_files):
    modes = {name: describe(data)["mode"] for name, data in compressed_files.items()}
    assert modes == {
        "adc10 canonical": "core",
        "adc10 with chunks": "core",
        "linear16 stereo": "core",
        "stored lzma": "stored",
        "stored plain": "stored",
    }


@pytest.mark.parametrize(
    "name",
    ["adc10 canonical", "adc10 with chunks", "linear16 stereo", "stored lzma", "stored plain"],
)
def test_bit_flips_raise(compressed_files, name):
    data = compressed_files[name]
    original = decompress(data)
    for bit in positions(data):
        if bit // 8 == 3 and flipped(data, bit)[3] in container.VERSIONS:
            # another version is this one with a bit flipped, and a file may read alike in
            # several: the original, or an error, never another output
            try:
                assert decompress(flipped(data, bit)) == original
            except FormatError:
                pass
            continue
        if bit // 8 == table_at(data):
            # the built-in table and the uniform one order the codes alike below the
            # implant's missing code 511: the original, or an error, never another output
            try:
                assert decompress(flipped(data, bit)) == original
            except FormatError:
                pass
            continue
        with pytest.raises(FormatError):
            decompress(flipped(data, bit))


@pytest.mark.parametrize(
    "name",
    ["adc10 canonical", "adc10 with chunks", "linear16 stereo", "stored lzma", "stored plain"],
)
def test_truncations_raise(compressed_files, name):
    data = compressed_files[name]
    for cut in list(range(min(40, len(data)))) + list(range(40, len(data), 7)):
        with pytest.raises(FormatError):
            decompress(data[:cut])


def test_bytes_appended_to_core_file_raise(compressed_files):
    data = compressed_files["adc10 canonical"]
    for extra in (b"\x00", b"\x80", b"garbage"):
        with pytest.raises(FormatError):
            decompress(data + extra)


@quick
@given(st.data())
def test_random_corruption_raises(compressed_files, data):
    name = data.draw(st.sampled_from(sorted(compressed_files)))
    original = compressed_files[name]
    corrupted = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(corrupted) - 1))
        corrupted[where] = data.draw(st.integers(0, 255))
    if bytes(corrupted) == original:
        return
    with pytest.raises(FormatError):
        decompress(bytes(corrupted))


def core_header(
    channels=1, count=10, flags=container.CANONICAL_HEADER, rate=RATE, mapping=container.MAP_ADC10
):
    head = container.MAGIC + bytes([container.VERSION, container.CORE, mapping])
    head += container._varint(channels) + container._varint(count) + bytes([flags])
    coder = "adc" if flags & container.ADC else "arith" if flags & container.ARITH else "rice"
    if not flags & container.NEAR and container.table_in_header(
            container.VERSION, mapping, coder, 0):
        head += b"\x01"  # the built-in table
    if flags & container.CANONICAL_HEADER:
        head += container._varint(rate)
    return head + b"\x00" * 4


ARITH_ADC = container.CANONICAL_HEADER | container.ARITH | container.ADC

MALFORMED = [
    ("empty", b"", "truncated"),
    ("bad magic", b"NRX\x01\x00\x00" + b"\x00" * 4, "bad magic"),
    ("a WAV", wav_file([1, 2, 3]), "bad magic"),
    ("magic only", b"NRC", "truncated"),
    ("version 0", b"NRC\x00\x00\x00" + b"\x00" * 4, "version 0"),
    ("version 5", b"NRC\x05\x00\x00" + b"\x00" * 4, "version 5"),
    ("version 0", b"NRC\x00\x00\x00" + b"\x00" * 4, "version 0"),
    ("unknown mode", b"NRC\x01\x07\x00" + b"\x00" * 4, "mode 7"),
    ("unknown stored flag", b"NRC\x01\x00\x05" + b"\x00" * 4, "flag 5"),
    ("stored CRC cut", b"NRC\x01\x00\x00\x00\x00", "truncated"),
    ("bad lzma", b"NRC\x01\x00\x01" + b"\x00" * 4 + b"\xfd7zXZ\x00\x00junk", "stored payload"),
    ("unknown mapping", core_header(mapping=9), "mapping 9"),
    ("zero channels", core_header(channels=0), "zero channels"),
    ("too many channels", core_header(channels=65536), "out-of-range"),
    ("unknown flags", core_header(flags=32), "flags 32"),
    ("pieces in version 2", b"NRC\x02" + core_header(flags=17)[4:], "flags 17"),
    ("arith and adc together", core_header(flags=ARITH_ADC), "flags 11"),
    ("unknown flags with known ones", core_header(flags=0x83), "flags 131"),
    ("long varint", b"NRC\x01\x01\x01" + b"\xff" * 10, "out-of-range"),
    ("count beyond payload", core_header(count=1000) + b"\x00" * 10, "truncated"),
    ("count beyond payload, header kept", core_header(count=1000, flags=0) + b"\x00", "truncated"),
    # an arithmetic-coded sample takes at least 1/2048 of a bit
    ("arith count beyond payload", core_header(count=2048 * 8 * 2 + 1, flags=3) + b"\x00" * 2,
     "truncated"),
    # fields that no canonical WAV header can hold
    ("huge count", core_header(count=1 << 32) + b"\x00" * 10, None),
    ("count beyond 31 bits", core_header(count=1 << 31) + b"\x00" * 10, None),
    ("huge rate", core_header(rate=1 << 31) + b"\x00" * 10, None),
    ("huge rate, many channels", core_header(channels=3, rate=(1 << 32) // 4), None),
    ("channels without a header", core_header(channels=40000) + b"\x00" * 10, None),
]


@pytest.mark.parametrize("name, data, message", MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_headers(name, data, message):
    with pytest.raises(FormatError, match=message):
        decompress(data)


def payload_offset(data):
    """Where the payload of a compressed file with a canonical header starts."""
    _, offset = varint(data, 6)
    _, offset = varint(data, offset)
    _, offset = varint(data, offset + 1)
    return offset + 4


def test_crc_guards_the_samples(clip):
    # another signal's payload under the clip's header decodes to valid samples: the CRC
    # is what refuses them
    data = compress(clip)
    other = compress(clip[:44] + pcm(codes_to_values([510] * 1000)))
    start = payload_offset(data)
    assert data[: start - 4] == other[: start - 4]
    with pytest.raises(FormatError, match="CRC mismatch"):
        decompress(data[:start] + other[start:])


def test_format_error_is_value_error():
    assert issubclass(FormatError, ValueError)


# the arithmetic-coded back end (flag 2)


def test_arith_real_recordings(recordings):
    # one whole recording (the golden coder takes a few seconds); tests/test_fast_container.py
    # has three more, and the beginning of every one
    for name, (raw, rice) in list(recordings.items())[:1]:
        data = compress(raw, coder="arith")
        assert decompress(data) == raw, name
        assert coder_of(data) == "arith" and coder_of(rice) == "rice"
        assert describe(data) == describe(rice)
        assert len(data) < len(rice), name


@pytest.mark.parametrize("channels", [1, 2, 5])
def test_arith_multichannel_and_linear16(channels):
    on = wav_file(lattice_walk(900, seed=channels, channels=channels), channels)
    off = wav_file([v + (i % 3) for i, v in enumerate(lattice_walk(600, channels=channels))],
                   channels)
    for original, mapping in ((on, "adc10"), (off, "linear16")):
        data = compress(original, coder="arith")
        assert decompress(data) == original
        assert coder_of(data) == "arith" and describe(data)["mapping"] == mapping


def test_arith_header_kept_verbatim(clip):
    info = chunk(b"LIST", b"INFOICMT\x05\x00\x00\x00hello\x00")
    original = riff(fmt_chunk(), info, chunk(b"data", clip[44:644]), info)
    data = compress(original, coder="arith")
    assert decompress(data) == original
    assert coder_of(data) == "arith" and not describe(data)["canonical"]


def test_arith_leaves_other_files_alone():
    for original in (b"", b"text " * 30, wav_file([1, 2, 3], width=1)):
        assert compress(original, coder="arith") == compress(original)


def test_arith_corruption_raises(clip):
    data = compress(clip[:44 + 800], coder="arith")
    for bit in positions(data):
        if bit // 8 == 3:
            continue  # the version byte: test_bit_flips_raise
        with pytest.raises(FormatError):
            decompress(flipped(data, bit))
    for cut in range(0, len(data), 5):
        with pytest.raises(FormatError):
            decompress(data[:cut])


def test_unknown_coder():
    with pytest.raises(ValueError, match="coder must be one of rice, arith, adc, not 'lzma'"):
        compress(b"", coder="lzma")


def test_a_declared_output_beyond_256_mib_is_refused_before_decoding_in_version_2():
    # an arithmetic-coded payload of 64 KiB may declare up to 2^30 samples: 2 GiB of output
    count = 1 << 30
    head = (container.MAGIC + bytes([2, container.CORE, container.MAP_ADC10])
            + bytes([1]) + container._varint(count)
            + bytes([container.CANONICAL_HEADER | container.ARITH]) + container._varint(19531))
    data = head + bytes(4) + bytes(1 << 16)
    with pytest.raises(container.FormatError, match="more than the 256 MiB"):
        container.decompress(data)


# --- version 2: the ADC-aware back end and its width table ----------------------------

def _adc_recording(count=400):
    codes = [(512 + (i * 37) % 41 - 20) for i in range(count)]
    return wav.header(19531, 1, count) + struct.pack(
        f"<{count}h", *codes_to_values(codes))


@pytest.mark.parametrize("table, field", [
    (None, b"\x01"),
    (adc.DEFAULT, b"\x01"),
    (adc.UNIFORM, b"\x00"),
    (adc.AdcTable([17, 15], {511: 0}), b"\xff" + adc.AdcTable([17, 15], {511: 0}).to_bytes()),
])
def test_the_width_table_is_stored_by_id_or_inline(table, field):
    original = _adc_recording()
    data = compress(original, coder="adc", table=table)
    flags_at = 3 + 1 + 1 + 1 + 1 + len(container._varint(400))
    assert data[3] == container.VERSION == 4
    assert data[flags_at] & container.ADC and not data[flags_at] & container.ARITH
    assert data[flags_at + 1 : flags_at + 1 + len(field)] == field
    assert decompress(data) == original


def test_sixteen_bit_files_use_the_uniform_table():
    values = [(-1) ** i * (i * 911 % 30000) for i in range(300)]
    original = wav.header(8000, 1, 300) + struct.pack("<300h", *values)
    data = compress(original, coder="adc", table=adc.AdcTable([17, 15]))
    assert b"\x00" in data[:16] and decompress(data) == original


def _adc_header(table_field, flags=container.CANONICAL_HEADER | container.ADC, version=2):
    head = container.MAGIC + bytes([version, container.CORE, container.MAP_ADC10])
    head += container._varint(1) + container._varint(10) + bytes([flags]) + table_field
    return head + container._varint(RATE) + b"\x00" * 4 + b"\x00" * 8


@pytest.mark.parametrize("data, message", [
    (_adc_header(b"\x07"), "unknown built-in width table 7"),
    (_adc_header(b"\xff\x11"), "too long"),
    (_adc_header(b"\xff\x0b" + b"\x10" * 2048 + b"\x00"), "period 2048 exceeds"),
    (_adc_header(b"\xff\x00\x10\x01\x00\x04\x01"), "beyond"),
    (_adc_header(b"\xff\x00\x10\x02\x01\x00\x01\x01\x00\x02"), "twice"),
    (_adc_header(b"\x01", version=1), "flags 9"),
])
def test_bad_width_tables_are_refused(data, message):
    with pytest.raises(FormatError, match=message):
        decompress(data)


def test_an_adc_count_beyond_what_the_payload_can_hold_is_refused():
    head = container.MAGIC + bytes([2, container.CORE, container.MAP_ADC10])
    count = container.ADC_SAMPLES_A_BIT * 8 * 2 + 1
    head += container._varint(1) + container._varint(count)
    head += bytes([container.ADC]) + b"\x01" + container._varint(46) + b"\x00"
    with pytest.raises(FormatError, match="truncated"):
        decompress(head + b"\x00" * 4 + b"\x00" * 2)


# --- version 3: pieces, and files of any size -----------------------------------------

def _long_recording(frames, channels=1):
    rng = random.Random(frames)
    codes, level = [], 512
    for _ in range(frames * channels):
        level = min(1023, max(0, level + rng.randint(-6, 6)))
        codes.append(level)
    return wav.header(RATE, channels, len(codes)) + struct.pack(
        f"<{len(codes)}h", *codes_to_values(codes))


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("coder", ["rice", "adc"])
def test_a_recording_beyond_a_piece_is_coded_in_pieces(monkeypatch, channels, coder):
    original = _long_recording(700, channels)
    whole = compress(original, coder=coder)
    monkeypatch.setattr(container, "PIECE", 256)
    pieces = compress(original, coder=coder)
    flags = pieces[3 + 1 + 1 + 1 + 1 + len(container._varint(700 * channels))]
    assert flags & container.PIECES and not whole[10] & container.PIECES
    assert decompress(pieces) == original == decompress(whole)
    # each piece restarts the core: a few bytes more than one stream
    assert len(whole) < len(pieces) < len(whole) * 1.1


def test_a_piece_is_a_multiple_of_the_channels():
    assert container.piece_size(1) == container.PIECE
    assert container.piece_size(1024) == container.PIECE
    assert container.piece_size(3) % 3 == 0 and container.piece_size(3) <= container.PIECE
    assert container.piece_size(container.PIECE + 1) == container.PIECE + 1


def test_a_near_lossless_file_in_pieces(monkeypatch):
    original = _long_recording(900)
    monkeypatch.setattr(container, "PIECE", 200)
    coded = compress(original, coder="adc", near=3)
    restored = decompress(coded)
    assert container.near_of(coded) == 3 and len(restored) == len(original)
    got = struct.unpack_from("<900h", restored, 44)
    want = struct.unpack_from("<900h", original, 44)
    lattice = {value: code for code, value in enumerate(codes_to_values(range(1024)))}
    assert max(abs(lattice[a] - lattice[b]) for a, b in zip(got, want)) <= 3


def test_an_off_lattice_sample_in_a_late_piece_codes_all_as_16_bit(monkeypatch):
    original = bytearray(_long_recording(600))
    original[-2:] = struct.pack("<h", 1)  # off the lattice
    monkeypatch.setattr(container, "PIECE", 128)
    coded = compress(bytes(original))
    assert coded[5] == container.MAP_LINEAR16 and decompress(coded) == original


@pytest.mark.parametrize("damage, message", [
    (lambda d: d[:-1], "truncated"),
    (lambda d: d + b"\x00", "data after its payload"),
])
def test_pieces_cut_or_extended_are_refused(monkeypatch, damage, message):
    monkeypatch.setattr(container, "PIECE", 256)
    coded = compress(_long_recording(700))
    with pytest.raises(FormatError, match=message):
        decompress(damage(coded))
    for bit in positions(coded, 40, 7):
        if bit // 8 != 3:
            with pytest.raises(FormatError):
                decompress(flipped(coded, bit))


def _pieces_header(piece, count=700, channels=1, length=None):
    head = container.MAGIC + bytes([3, container.CORE, container.MAP_ADC10])
    head += container._varint(channels) + container._varint(count)
    head += bytes([container.CANONICAL_HEADER | container.PIECES]) + container._varint(piece)
    head += container._varint(RATE) + bytes(4)
    return head + (b"" if length is None else container._varint(length))


@pytest.mark.parametrize("data, message", [
    (_pieces_header(0), "bad piece size 0"),
    (_pieces_header(700), "bad piece size 700"),  # not fewer than the samples
    (_pieces_header(100, channels=3, count=600), "bad piece size 100"),  # not whole frames
    (_pieces_header(container.MAX_PIECE + 1, count=1 << 30), "bad piece size"),
    (_pieces_header(256, length=4 * 256 + 9), "declares 1033 bytes"),
    (_pieces_header(256, length=1) + b"\x00", "truncated"),  # 256 samples need 32 bytes
])
def test_bad_pieces_are_refused(data, message):
    with pytest.raises(FormatError, match=message):
        decompress(data)


def test_one_piece_of_more_than_the_most_is_refused_in_version_3():
    head = container.MAGIC + bytes([3, container.CORE, container.MAP_ADC10, 1])
    head += container._varint(container.MAX_PIECE + 1) + bytes([container.CANONICAL_HEADER])
    with pytest.raises(FormatError, match="in one piece"):
        decompress(head + container._varint(RATE) + bytes(4 + 100))


def test_a_header_or_tail_beyond_a_mebibyte_is_stored(clip):
    tail = bytes(range(256)) * (container.MAX_VERBATIM // 256 + 1)
    coded = compress(clip + tail)
    assert coded[4] == container.STORED and decompress(coded) == clip + tail


def test_files_are_coded_from_and_to_files(tmp_path, clip):
    source, packed, restored = (tmp_path / n for n in ("in.wav", "in.nrc", "out.wav"))
    source.write_bytes(clip)
    with open(source, "rb") as i, open(packed, "w+b") as o:
        container.compress_file(i, o)
    assert packed.read_bytes() == compress(clip)
    with open(packed, "rb") as i, open(restored, "wb") as o:
        container.decompress_file(i, o)
    assert restored.read_bytes() == clip


def codes_of(original):
    """The ADC codes of a canonical WAV file's samples."""
    return values_to_codes(struct.unpack_from(f"<{(len(original) - 44) // 2}h", original, 44))


def as_version(data, version):
    """A lossless core file as an earlier version wrote it: a Rice or arithmetic-coded ADC10
    stream had no table field and coded the codes in their natural order, which this
    version writes as the uniform table (id 0)."""
    coded = bytearray(data)
    coded[3] = version
    if version < 4 and coder_of(data) != "adc" and table_at(data) is not None:
        assert coded[table_at(data)] == 0, "coded in the rank order"
        del coded[table_at(data)]
    return bytes(coded)


def test_old_versions_still_decode(clip):
    # the files versions 1 to 3 wrote: Rice and arithmetic-coded files of versions 1 and 3
    # (the codes in their natural order), an ADC-aware one of version 2, a stored one
    assert max(codes_of(clip)) > 511  # codes the rank order moves
    for coder, version in (("rice", 1), ("arith", 1), ("rice", 3), ("arith", 3), ("adc", 2),
                           ("adc", 3)):
        table = adc.UNIFORM if coder != "adc" else None
        coded = as_version(compress(clip, coder=coder, table=table), version)
        assert decompress(coded) == clip, (coder, version)
        # read as version 4 (a table id where its payload starts), it is not the clip
        if coder != "adc":
            with pytest.raises(FormatError):
                decompress(bytes([*coded[:3], 4, *coded[4:]]))
    stored = bytearray(compress(b"hello, implant\n" * 100))
    stored[3] = 2
    assert decompress(bytes(stored)) == b"hello, implant\n" * 100


# --- version 4: the rank order of Rice and arithmetic-coded ADC10 streams -----------------


def _codes_file(codes, channels=1):
    return wav.header(19531, channels, len(codes)) + pcm(codes_to_values(codes))


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_recordings_are_coded_in_the_rank_order(recordings, coder):
    for name, (raw, _) in recordings.items():
        data = compress(raw, coder=coder)
        natural = compress(raw, coder=coder, table=adc.UNIFORM)
        assert data[table_at(data)] == 1 and natural[table_at(natural)] == 0, name
        assert len(data) < len(natural), name
        assert decompress(data) == raw == decompress(natural), name


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_an_adc_that_produces_the_missing_code_keeps_the_natural_order(coder):
    # one 511 in 4096 samples is rare enough; one more is not
    rng = random.Random(4)
    codes = [rng.choice((509, 510, 512, 513)) for _ in range(2 * 4096)]
    for count, field in ((2, 1), (3, 0)):
        for i in range(count):
            codes[i * 1000] = 511
        data = compress(_codes_file(codes), coder=coder)
        assert data[table_at(data)] == field, count
        assert decompress(data) == _codes_file(codes)


def test_near_lossless_and_16_bit_files_carry_no_rank_table(clip):
    near = compress(clip, near=2)
    linear = compress(wav.header(8000, 1, 3) + pcm([1, 2, 3]))
    # the flags are followed by δ (near) or the rate (16-bit), not a table id
    flags_at = table_at(near) - 1
    assert near[flags_at] & container.NEAR and near[flags_at + 1] == 2
    assert linear[5] == container.MAP_LINEAR16 and table_at(linear) is None


@pytest.mark.parametrize("field, message", [(b"\x07", "unknown built-in width table 7"),
                                            (b"\xff\x00\x00\x00", "zero width")])
def test_a_bad_rank_table_is_refused(field, message):
    head = container.MAGIC + bytes([4, container.CORE, container.MAP_ADC10])
    head += container._varint(1) + container._varint(10) + bytes([container.CANONICAL_HEADER])
    with pytest.raises(FormatError, match=message):
        decompress(head + field + container._varint(RATE) + b"\x00" * 12)
