"""Tests of the stored mode's LZMA payload: bounded decoding and when LZMA is tried."""

import lzma
import os
import time
import zlib

import pytest

from golden import container, xz


def _multibyte(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    return bytes(out + bytes([value]))


def xz_stream(block_data, blocks, declared):
    """An .xz stream of ``blocks`` copies of the one-block stream of ``block_data``, whose
    index declares ``declared`` bytes a block (the truth is ``len(block_data)``)."""
    single = lzma.compress(block_data, preset=0)
    footer = len(single) - 12
    index = footer - 4 * (int.from_bytes(single[footer + 4 : footer + 8], "little") + 1)
    block = single[12:index]
    unpadded, _ = xz._multibyte(single, index + 2, footer - 4)
    records = b"".join(_multibyte(unpadded) + _multibyte(declared) for _ in range(blocks))
    table = b"\x00" + _multibyte(blocks) + records
    table += b"\x00" * (-len(table) % 4)
    table += zlib.crc32(table).to_bytes(4, "little")
    fields = (len(table) // 4 - 1).to_bytes(4, "little") + single[-4:-2]
    tail = zlib.crc32(fields).to_bytes(4, "little") + fields + b"YZ"
    return single[:12] + block * blocks + table + tail


def stored(payload, crc=b"\0\0\0\0"):
    head = bytes([container.VERSION, container.STORED, container.LZMA])
    return container.MAGIC + head + crc + payload


def test_the_stream_builder_is_a_valid_xz_stream():
    data = os.urandom(1000)
    assert lzma.decompress(xz_stream(data, 3, len(data))) == data * 3
    assert xz.declared_size(xz_stream(data, 3, len(data))) == 3000


def test_honest_stream_decodes():
    data = bytes(range(256)) * 40
    assert xz.decompress(xz_stream(data, 5, len(data))) == data * 5
    assert xz.decompress(lzma.compress(b"")) == b""


def test_bomb_declared_small_is_refused_at_once():
    # 64 blocks of 16 MiB of zeros, 1 GiB in all, in 170 kB, whose index declares 64 kB
    bomb = xz_stream(bytes(16 << 20), 64, 1024)
    started = time.perf_counter()
    with pytest.raises(container.FormatError, match="more than the 65536 bytes its .xz index"):
        container.decompress(stored(bomb))
    assert time.perf_counter() - started < 1


def test_declared_size_beyond_the_limit_is_refused_before_decoding():
    bomb = xz_stream(bytes(16 << 20), 17, 16 << 20)  # 272 MiB, declared honestly
    started = time.perf_counter()
    with pytest.raises(container.FormatError, match="declares 285212672 bytes, more than"):
        container.decompress(stored(bomb))
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize("cut", [1, 2, 12, 20])
def test_broken_footer_or_index_is_refused(cut):
    stream = lzma.compress(b"hello " * 100)
    with pytest.raises(ValueError, match="corrupted stored payload"):
        xz.decompress(stream[:-cut])
    damaged = bytearray(stream)
    damaged[-cut - 4] ^= 0x40
    with pytest.raises(ValueError, match="corrupted stored payload"):
        xz.decompress(bytes(damaged))


def test_incompressible_data_is_stored_as_is():
    data = os.urandom(100_000)
    assert not xz.pays(data)
    assert container.compress(data)[5] == 0  # the raw flag
    assert container.decompress(container.compress(data)) == data


def test_compressible_data_takes_lzma():
    data = b"hello, implant\n" * 1000
    assert xz.pays(data)
    assert container.compress(data)[5] == container.LZMA


def test_beyond_the_limit_the_encoder_stores_as_is(monkeypatch):
    monkeypatch.setattr(xz, "MAX_SIZE", 1000)
    data = bytes(1001)
    assert not xz.pays(data)
    assert container.decompress(container.compress(data)) == data


def test_the_probe_samples_large_inputs():
    noise = os.urandom(8 << 20)
    assert not xz.pays(noise)
    assert xz.pays(bytes(8 << 20))
    # a compressible tenth anywhere is seen
    assert xz.pays(noise[: 7 << 20] + bytes(1 << 20))
    assert xz.pays(bytes(1 << 20) + noise[: 7 << 20])
