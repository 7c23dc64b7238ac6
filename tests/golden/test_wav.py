"""Tests of golden.wav: taking a 16-bit PCM WAV file apart, and its canonical header."""

import io
import struct
import wave

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.wav import Pcm16, header, parse_pcm16

quick = settings(database=None, deadline=None, max_examples=50)
RATE = 19531


def chunk(kind, body, pad=True):
    """A RIFF chunk, padded to an even size unless told not to be."""
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" * (len(body) & 1) if pad else b"")


def fmt(channels=1, rate=RATE, bits=16, tag=1, extra=b""):
    block = channels * bits // 8
    return chunk(
        b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits) + extra
    )


def riff(*chunks, size=None):
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body) if size is None else size) + body


def pcm(samples):
    return struct.pack(f"<{len(samples)}h", *samples)


def python_wave(samples, channels=1, rate=RATE, width=2):
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(pcm(samples) if width == 2 else bytes(samples))
    return out.getvalue()


SAMPLES = (0, 1, -1, 32767, -32768, 1000, -1000)


def reassembled(parsed):
    return parsed.prefix + pcm(parsed.samples) + parsed.suffix


# the canonical header


@pytest.mark.parametrize("count", [0, 1, 7, 1000])
def test_header_is_what_wave_writes_mono(count):
    samples = [(n * 97) % 65536 - 32768 for n in range(count)]
    written = python_wave(samples)
    assert header(RATE, 1, count) == written[:44]
    assert len(header(RATE, 1, count)) == 44


@pytest.mark.parametrize("rate", [8000, 19531, 44100, 96000])
@pytest.mark.parametrize("channels", [2, 3])
def test_header_is_what_wave_writes_multichannel(rate, channels):
    samples = list(range(channels * 5))
    assert header(rate, channels, len(samples)) == python_wave(samples, channels, rate)[:44]


def test_canonical():
    data = python_wave(SAMPLES)
    parsed = parse_pcm16(data)
    assert parsed == Pcm16(data[:44], SAMPLES, b"", 1, RATE)
    assert parsed.is_canonical()
    assert reassembled(parsed) == data


def test_canonical_empty():
    data = python_wave([])
    parsed = parse_pcm16(data)
    assert parsed == Pcm16(data, (), b"", 1, RATE)
    assert parsed.is_canonical()


@quick
@given(st.integers(1, 8), st.lists(st.integers(-32768, 32767), max_size=64), st.integers(1, 200000))
def test_round_trip_of_what_wave_writes(channels, samples, rate):
    samples = samples[: len(samples) - len(samples) % channels]
    data = python_wave(samples, channels, rate)
    parsed = parse_pcm16(data)
    assert parsed.samples == tuple(samples)
    assert (parsed.channels, parsed.rate) == (channels, rate)
    assert parsed.is_canonical()
    assert reassembled(parsed) == data


def test_stereo():
    data = python_wave(SAMPLES[:6], channels=2)
    parsed = parse_pcm16(data)
    assert parsed.channels == 2
    assert parsed.samples == SAMPLES[:6]
    assert parsed.is_canonical()


# files the codec keeps as opaque bytes around the samples


def test_list_before_data():
    info = chunk(b"LIST", b"INFOISFT\x05\x00\x00\x00Lavf\x00\x00")
    data = riff(fmt(), info, chunk(b"data", pcm(SAMPLES)))
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert parsed.prefix == data[: len(data) - 2 * len(SAMPLES)]
    assert parsed.suffix == b""
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


def test_list_after_data():
    tail = chunk(b"LIST", b"INFOICMT\x03\x00\x00\x00abc\x00")
    data = riff(fmt(), chunk(b"data", pcm(SAMPLES)), tail)
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert parsed.prefix == data[:44]
    assert parsed.suffix == tail
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


def test_odd_sized_chunk_before_data_is_padded():
    data = riff(fmt(), chunk(b"junk", b"abc"), chunk(b"data", pcm(SAMPLES)))
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert reassembled(parsed) == data


def test_odd_sized_data_chunk():
    body = pcm(SAMPLES) + b"\x7f"
    data = riff(fmt(), chunk(b"data", body))
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert parsed.suffix == b"\x7f\x00"  # the odd byte and the pad byte
    assert reassembled(parsed) == data


def test_odd_file_size():
    data = python_wave(SAMPLES) + b"\x01"
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert parsed.suffix == b"\x01"
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


def test_extended_fmt_chunk():
    # an 18-byte fmt chunk with cbSize = 0, as some writers emit
    data = riff(fmt(extra=b"\x00\x00"), chunk(b"data", pcm(SAMPLES)))
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


def test_wrong_riff_size_is_kept():
    data = riff(fmt(), chunk(b"data", pcm(SAMPLES)), size=12345)
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


def test_unusual_byte_rate_is_not_canonical():
    data = bytearray(python_wave(SAMPLES))
    data[28:32] = struct.pack("<I", 1)
    parsed = parse_pcm16(bytes(data))
    assert parsed.samples == SAMPLES
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


@pytest.mark.parametrize("lost", [1, 2, 3, 13])
def test_truncated_data_chunk(lost):
    whole = python_wave(SAMPLES)
    data = whole[:-lost]
    parsed = parse_pcm16(data)
    kept = (len(data) - 44) // 2
    assert parsed.samples == SAMPLES[:kept]
    assert parsed.suffix == data[44 + 2 * kept :]
    assert not parsed.is_canonical()
    assert reassembled(parsed) == data


def test_data_chunk_shorter_than_declared_by_odd_byte():
    data = riff(fmt(), chunk(b"data", pcm(SAMPLES)))[:-1]
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES[:-1]
    assert reassembled(parsed) == data


def test_streaming_size():
    # a data chunk that declares 0xFFFFFFFF bytes, as streaming writers do
    data = bytearray(python_wave(SAMPLES))
    data[40:44] = b"\xff\xff\xff\xff"
    parsed = parse_pcm16(bytes(data))
    assert parsed.samples == SAMPLES
    assert reassembled(parsed) == data


def test_incomplete_frame():
    # three samples in a stereo file: the half frame is a sample like any other
    data = riff(fmt(channels=2), chunk(b"data", pcm(SAMPLES[:3])))
    parsed = parse_pcm16(data)
    assert parsed.samples == SAMPLES[:3]
    assert parsed.is_canonical()
    assert reassembled(parsed) == data


# not a 16-bit PCM WAV


@pytest.mark.parametrize(
    "name, data",
    [
        ("empty", b""),
        ("short", b"RIFF\x00\x00\x00\x00WAV"),
        ("riff only", b"RIFF\x04\x00\x00\x00WAVE"),
        ("not riff", b"RIFX" + python_wave(SAMPLES)[4:]),
        ("not wave", python_wave(SAMPLES)[:8] + b"AVI " + python_wave(SAMPLES)[12:]),
        ("8-bit", python_wave([1, 2, 3], width=1)),
        ("24-bit", python_wave([1, 2, 3, 4, 5, 6], width=3)),
        ("32-bit", python_wave([1, 2, 3, 4], width=4)),
        ("float", riff(fmt(bits=32, tag=3), chunk(b"data", struct.pack("<2f", 0.5, -0.5)))),
        ("float 16-bit tag", riff(fmt(tag=3), chunk(b"data", pcm(SAMPLES)))),
        ("a-law", riff(fmt(bits=8, tag=6), chunk(b"data", b"\xd5\x55"))),
        ("extensible", riff(fmt(tag=0xFFFE, extra=bytes(24)), chunk(b"data", pcm(SAMPLES)))),
        ("zero channels", riff(fmt(channels=0), chunk(b"data", pcm(SAMPLES)))),
        ("no fmt", riff(chunk(b"data", pcm(SAMPLES)))),
        ("data before fmt", riff(chunk(b"data", pcm(SAMPLES)), fmt())),
        ("no data", riff(fmt())),
        (
            "short fmt",
            riff(
                chunk(b"fmt ", struct.pack("<HHII", 1, 1, RATE, 2 * RATE)),
                chunk(b"data", pcm(SAMPLES)),
            ),
        ),
        ("fmt cut", python_wave(SAMPLES)[:30]),
        ("header cut", python_wave(SAMPLES)[:20]),
        ("data header cut", python_wave(SAMPLES)[:40]),
        ("random", bytes(range(256))),
    ],
)
def test_not_pcm16(name, data):
    assert parse_pcm16(data) is None, name


@quick
@given(st.binary(max_size=80))
def test_random_bytes(data):
    parsed = parse_pcm16(data)
    assert parsed is None or reassembled(parsed) == data


@quick
@given(st.binary(max_size=60))
def test_random_bytes_after_riff_header(body):
    data = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body
    parsed = parse_pcm16(data)
    assert parsed is None or reassembled(parsed) == data


@quick
@given(st.lists(st.integers(-32768, 32767), max_size=40), st.integers(0, 100))
def test_every_cut_is_kept(samples, cut):
    whole = python_wave(samples)
    data = whole[: min(cut, len(whole))]
    parsed = parse_pcm16(data)
    if len(data) < 44:
        assert parsed is None
    else:
        assert reassembled(parsed) == data


@pytest.mark.parametrize(
    "channels, rate",
    [
        (1, 1 << 31),  # byte rate 2 ** 32: no canonical header can hold it
        (2, 0xFFFFFFFF),
        (32768, 8000),  # block align 65536: likewise
        (65535, 1),
    ],
)
def test_header_fields_out_of_range_are_not_canonical(channels, rate):
    # any 16-bit PCM file parses; one whose canonical header cannot exist is simply not canonical
    fields = struct.pack("<HHIIHH", 1, channels, rate, 0, 0, 16)
    data = riff(chunk(b"fmt ", fields), chunk(b"data", pcm(SAMPLES)))
    parsed = parse_pcm16(data)
    assert (parsed.channels, parsed.rate) == (channels, rate)
    assert reassembled(parsed) == data
    assert parsed.is_canonical() is False
