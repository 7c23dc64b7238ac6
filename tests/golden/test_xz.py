"""Tests of the stored mode's LZMA payload: streamed both ways, bounded in old versions, and
when LZMA is tried."""

import io
import lzma
import os
import resource
import zlib

import pytest

from golden import container, xz


def stored(payload, crc=b"\0\0\0\0", version=container.VERSION):
    head = bytes([version, container.STORED, container.LZMA])
    return container.MAGIC + head + crc + payload


def pays(data):
    return xz.pays(io.BytesIO(data), len(data))


def test_honest_stream_decodes():
    data = bytes(range(256)) * 40
    assert xz.decompress(lzma.compress(data * 5)) == data * 5
    assert xz.decompress(lzma.compress(b"")) == b""
    assert xz.decompress(xz.compress(data)) == data


def test_the_decoder_writes_a_block_at_a_time():
    blocks = []
    size = xz.decompress_into(io.BytesIO(xz.compress(bytes(5 << 20))).read, blocks.append)
    assert size == 5 << 20 and max(map(len, blocks)) <= xz.CHUNK


def test_an_old_version_may_not_decode_beyond_256_mib(monkeypatch):
    # versions 1 and 2 never held more than 256 MiB: here 2 MiB, in a bomb of 3 MiB of zeros
    # (tests/test_filecodec.py refuses a real one of 272 MiB)
    monkeypatch.setattr(container, "MAX_OLD_OUTPUT", 2 << 20)
    bomb = lzma.compress(bytes(3 << 20), preset=0)
    for version in (1, 2):
        with pytest.raises(container.FormatError, match="more than the 2097152 bytes"):
            container.decompress_file(io.BytesIO(stored(bomb, version=version)),
                                      _Discard())


def test_version_3_has_no_limit_and_bounded_memory():
    # 96 MiB of zeros in 15 kB, version 3: decoded to its end (then the CRC, zero here,
    # refuses it), never held: the process's peak grows by far less than the output
    bomb = lzma.compress(bytes(96 << 20), preset=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sink = _Discard()
    with pytest.raises(container.FormatError, match="CRC mismatch"):
        container.decompress_file(io.BytesIO(stored(bomb)), sink)
    assert sink.size == 96 << 20
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 24 << 10  # kB


class _Discard:
    size = 0

    def write(self, data):
        self.size += len(data)


@pytest.mark.parametrize("cut", [1, 2, 12, 20])
def test_broken_footer_or_index_is_refused(cut):
    stream = lzma.compress(b"hello " * 100)
    with pytest.raises(ValueError, match="corrupted stored payload"):
        xz.decompress(stream[:-cut])
    damaged = bytearray(stream)
    damaged[-cut - 4] ^= 0x40
    with pytest.raises(ValueError, match="corrupted stored payload"):
        xz.decompress(bytes(damaged))


def test_bytes_after_the_stream_are_refused():
    with pytest.raises(ValueError, match="not one complete .xz stream"):
        xz.decompress(lzma.compress(b"hello") + b"x")
    with pytest.raises(ValueError, match="not one complete .xz stream"):
        xz.decompress(lzma.compress(b"hello") * 2)


def test_incompressible_data_is_stored_as_is():
    data = os.urandom(100_000)
    assert not pays(data)
    assert container.compress(data)[5] == 0  # the raw flag
    assert container.decompress(container.compress(data)) == data


def test_compressible_data_takes_lzma():
    data = b"hello, implant\n" * 1000
    assert pays(data)
    assert container.compress(data)[5] == container.LZMA


def test_any_size_takes_lzma():
    # (256 MiB and more were stored as they are in version 2)
    data = bytes(1001)
    coded = container.compress(data)
    assert coded[5] == container.LZMA and container.decompress(coded) == data


def test_the_probe_samples_large_inputs():
    noise = os.urandom(8 << 20)
    assert not pays(noise)
    assert pays(bytes(8 << 20))
    # a compressible tenth anywhere is seen
    assert pays(noise[: 7 << 20] + bytes(1 << 20))
    assert pays(bytes(1 << 20) + noise[: 7 << 20])


def test_the_crc_is_of_the_original():
    data = b"hello, implant\n" * 1000
    coded = container.compress(data)
    assert coded[6:10] == zlib.crc32(data).to_bytes(4, "little")
