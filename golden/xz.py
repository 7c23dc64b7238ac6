"""The stored mode's LZMA payload: when to make one, and decoding it within its declared size.

An .xz stream ends with an index that declares the uncompressed size of each of its blocks.
Decoding stops as soon as the output outgrows that declaration, and refuses a declaration
beyond :data:`MAX_SIZE`, so a small compressed file cannot make the decoder produce (or
hold in memory) more than it declares, nor more than :data:`MAX_SIZE` in any case
(``docs/FORMAT.md`` section 2.1). The encoder stores larger inputs as they are.

LZMA at its strongest setting codes incompressible data at well under 1 MB/s; zlib's
fastest level reads it at tens of MB/s. So LZMA is tried only where zlib's fastest level,
on at most 64 blocks of 64 KiB spread over the data, shows that it compresses
(:func:`pays`): a bounded probe, about 0.1 s whatever the size.
"""

import zlib

#: The largest original an LZMA payload may declare (and the encoder makes one of): 256 MiB.
MAX_SIZE = 1 << 28
#: LZMA is tried when zlib's fastest level saves at least this fraction of the probe.
MIN_SAVING = 0.01
#: The probe: at most this many blocks of this many bytes, evenly spread.
PROBE_BLOCKS, PROBE_BLOCK = 64, 1 << 16
_CHUNK = 1 << 20


def pays(original):
    """Whether LZMA is worth trying on ``original``: small enough, and compressible."""
    if len(original) > MAX_SIZE:
        return False
    view = memoryview(original)
    if len(view) <= PROBE_BLOCKS * PROBE_BLOCK:
        blocks = [view]
    else:
        step = (len(view) - PROBE_BLOCK) // (PROBE_BLOCKS - 1)
        blocks = [view[i * step : i * step + PROBE_BLOCK] for i in range(PROBE_BLOCKS)]
    probe = zlib.compressobj(1)
    size = sum(len(probe.compress(block)) for block in blocks) + len(probe.flush())
    return size <= sum(len(block) for block in blocks) * (1 - MIN_SAVING)


def compress(original):
    """``original`` as one .xz stream, at the strongest preset."""
    import lzma  # here: only the stored mode needs it, and importing it costs a process 2 ms

    return lzma.compress(original, preset=9 | lzma.PRESET_EXTREME)


def _multibyte(data, offset, end):
    """The .xz format's variable-length integer at ``offset``: ``(value, next offset)``."""
    value = 0
    for shift in range(0, 63, 7):
        if offset >= end:
            break
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset
    raise ValueError("corrupted stored payload (bad .xz index)")


def declared_size(stream):
    """The uncompressed size the index of the .xz ``stream`` declares; ``ValueError`` if none.

    The stream footer (its last 12 bytes) gives the index's size; the index lists a block's
    unpadded and uncompressed sizes, and ends with its CRC-32.
    """
    if len(stream) < 24 or stream[-2:] != b"YZ":
        raise ValueError("corrupted stored payload (not one complete .xz stream)")
    footer = len(stream) - 12
    index = footer - 4 * (int.from_bytes(stream[footer + 4 : footer + 8], "little") + 1)
    if index < 12 or stream[index] != 0:
        raise ValueError("corrupted stored payload (bad .xz index)")
    crc = int.from_bytes(stream[footer - 4 : footer], "little")
    if zlib.crc32(stream[index : footer - 4]) != crc:
        raise ValueError("corrupted stored payload (bad .xz index)")
    records, offset = _multibyte(stream, index + 1, footer - 4)
    total = 0
    for _ in range(records):
        _, offset = _multibyte(stream, offset, footer - 4)  # unpadded size
        size, offset = _multibyte(stream, offset, footer - 4)
        total += size
    return total


def decompress(stream, limit=MAX_SIZE):
    """The original of the .xz ``stream``, never more than it declares; ``ValueError`` if bad.

    Refuses a stream that declares more than ``limit`` bytes before decoding anything, and
    one that decodes to more than it declares as soon as it does.
    """
    declared = declared_size(stream)
    if declared > limit:
        raise ValueError(f"stored payload declares {declared} bytes, more than the {limit}"
                         " a stored payload may have")
    import lzma  # as in compress()

    unpacker = lzma.LZMADecompressor(lzma.FORMAT_XZ)
    chunks, size = [], 0
    try:
        while not unpacker.eof:
            chunk = unpacker.decompress(stream, max_length=min(_CHUNK, declared - size + 1))
            stream = b""
            size += len(chunk)
            if size > declared:
                raise ValueError(f"stored payload decodes to more than the {declared} bytes"
                                 " its .xz index declares")
            if not chunk and unpacker.needs_input:
                break
            chunks.append(chunk)
    except lzma.LZMAError as error:
        raise ValueError(f"corrupted stored payload ({error})") from None
    if not unpacker.eof or unpacker.unused_data:
        raise ValueError("corrupted stored payload (not one complete .xz stream)")
    return b"".join(chunks)
