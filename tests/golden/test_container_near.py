"""Tests of golden.container's near-lossless files: δ recorded, the bound, the CRC, refusals."""

import struct
import zlib

import pytest

from golden import container
from golden.container import FormatError, compress, decompress, near_of
from golden.samples import VALUE_TO_CODE

from . import test_container
from .test_container import RATE, chunk, fmt_chunk, lattice_walk, pcm, riff, varint, wav_file

# test_container's fixtures, by assignment: a test's parameter of an imported name reads as
# a redefinition
clip, recordings = test_container.clip, test_container.recordings


def codes(wav_bytes):
    """The ADC codes of a canonical mono WAV file."""
    values = struct.unpack_from(f"<{(len(wav_bytes) - 44) // 2}h", wav_bytes, 44)
    return [VALUE_TO_CODE[v] for v in values]


def assert_bounded(original, near):
    data = compress(original, near=near)
    restored = decompress(data)
    assert near_of(data) == near
    assert len(restored) == len(original) and restored[:44] == original[:44]
    assert max(abs(a - b) for a, b in zip(codes(original), codes(restored))) <= near
    return data, restored


def test_real_recording_within_bound(recordings):
    # the golden model takes seconds a recording: one here, all of them on the fast path
    original, lossless = next(iter(recordings.values()))
    data, _ = assert_bounded(original, 2)
    assert len(data) < len(lossless)


@pytest.mark.parametrize("near", [1, 2, 4, 8, 511])
def test_clip_within_bound(clip, near):
    assert_bounded(clip, near)


def test_near_zero_is_lossless(clip):
    assert compress(clip, near=0) == compress(clip)
    assert near_of(compress(clip)) == 0


def test_header_records_near(clip):
    data = compress(clip, near=3)
    lossless = compress(clip)
    channels, offset = varint(data, 6)
    count, offset = varint(data, offset)
    assert data[offset] == container.CANONICAL_HEADER | container.NEAR
    assert varint(data, offset + 1) == (3, offset + 2)
    assert varint(data, offset + 2)[0] == RATE
    # everything else as in the lossless file, up to the flags
    assert data[:offset] == lossless[:offset]


def test_crc_is_of_the_decoders_output(clip):
    data = compress(clip, near=2)
    restored = decompress(data)
    assert restored != clip
    channels, offset = varint(data, 6)
    _, offset = varint(data, offset)
    _, offset = varint(data, offset + 1)
    _, offset = varint(data, offset)
    assert data[offset : offset + 4] == zlib.crc32(restored).to_bytes(4, "little")


def test_restored_file_recodes_to_itself(clip):
    data = compress(clip, near=4)
    restored = decompress(data)
    assert compress(restored, near=4) == data


def test_verbatim_header_and_multichannel():
    values = lattice_walk(3000, seed=4, channels=3)
    original = riff(fmt_chunk(channels=3), chunk(b"LIST", b"INFOabcd"),
                    chunk(b"data", pcm(values))) + b"tail"
    data = compress(original, near=2)
    restored = decompress(data)
    assert near_of(data) == 2 and len(restored) == len(original)
    assert restored[:-2 * len(values) - 4] == original[:-2 * len(values) - 4]
    assert restored.endswith(b"tail")


@pytest.mark.parametrize("original", [
    b"", b"hello, implant\n" * 10, wav_file([0, 1, 2, 3, 100, -100] * 50),
    wav_file(list(range(-3000, 3000, 7)), channels=2),
], ids=["empty", "text", "off the lattice", "16-bit stereo"])
def test_other_files_stay_lossless(original):
    data = compress(original, near=3)
    assert data == compress(original)
    assert near_of(data) == 0
    assert decompress(data) == original


@pytest.mark.parametrize("near", [-1, 512, "2", 2.0])
def test_bad_near(clip, near):
    with pytest.raises(ValueError, match="near"):
        compress(clip, near=near)


def near_header(near_field, flags=container.CANONICAL_HEADER | container.NEAR,
                mapping=container.MAP_ADC10):
    head = container.MAGIC + bytes([container.VERSION, container.CORE, mapping])
    head += container._varint(1) + container._varint(10) + bytes([flags])
    return head + near_field + container._varint(RATE) + b"\x00" * 4 + b"\x00" * 10


@pytest.mark.parametrize("name, data, message", [
    ("near 0 with the flag", near_header(b"\x00"), "bound 0 is invalid"),
    ("near beyond 10 bits", near_header(container._varint(512)), "bound 512 is invalid"),
    ("near with 16-bit samples", near_header(b"\x01", mapping=container.MAP_LINEAR16),
     "bound 1 is invalid"),
    ("bit 5 beside near", near_header(b"\x01", flags=0x25), "flags 37"),
    ("an unknown bit", near_header(b"\x01", flags=0x85), "flags 133"),
    ("near cut", near_header(b"")[:11], "truncated"),
])
def test_malformed_near_headers(name, data, message):
    with pytest.raises(FormatError, match=message):
        decompress(data)


def test_flipped_payload_is_refused(clip):
    data = bytearray(compress(clip, near=2))
    data[-20] ^= 0x10
    with pytest.raises(FormatError):
        decompress(bytes(data))


def test_near_of_refuses_other_files():
    with pytest.raises(FormatError, match="not a neurorice file"):
        near_of(b"RIFF0000WAVE")
    assert near_of(compress(b"text")) == 0
