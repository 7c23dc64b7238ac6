"""The stored mode's LZMA payload: when to make one, and coding it in bounded memory.

Both directions stream: the encoder feeds the original to LZMA a block at a time, and the
decoder writes its output as it comes, a block at a time, so memory does not grow with the
file. A version 1 or 2 file may not decode to more than :data:`MAX_SIZE` (their encoders
stored larger inputs as they are): decoding stops as soon as the output outgrows it
(``docs/FORMAT.md`` section 2.1). Version 3 has no such limit.

LZMA codes incompressible data at a few MB/s; zlib's fastest level reads it at tens of
MB/s. So LZMA is tried only where zlib's fastest level, on at most 64 blocks of 64 KiB
spread over the data, shows that it compresses (:func:`pays`): a bounded probe, about 0.1 s
whatever the size.
"""

import zlib

#: The most a version 1 or 2 file's LZMA payload may decode to: 256 MiB.
MAX_SIZE = 1 << 28
#: LZMA is tried when zlib's fastest level saves at least this fraction of the probe.
MIN_SAVING = 0.01
#: The probe: at most this many blocks of this many bytes, evenly spread.
PROBE_BLOCKS, PROBE_BLOCK = 64, 1 << 16
#: The block both directions work in.
CHUNK = 1 << 20
#: The encoder's dictionary: LZMA's memory is about 12 times it (preset 6's is 8 MiB, 94
#: MiB of memory); 4 MiB keeps a process under 70 MB.
DICTIONARY = 4 << 20


def pays(source, size):
    """Whether LZMA is worth trying on the ``size`` bytes of the seekable file ``source``."""
    if size <= PROBE_BLOCKS * PROBE_BLOCK:
        starts, length = [0], size
    else:
        step = (size - PROBE_BLOCK) // (PROBE_BLOCKS - 1)
        starts, length = [i * step for i in range(PROBE_BLOCKS)], PROBE_BLOCK
    probe = zlib.compressobj(1)
    packed = read = 0
    for start in starts:
        source.seek(start)
        block = source.read(length)
        read += len(block)
        packed += len(probe.compress(block))
    packed += len(probe.flush())
    return packed <= read * (1 - MIN_SAVING)


def compressor():
    """An LZMA compressor making one .xz stream (``compress(chunk)``, ``flush()``)."""
    import lzma  # here: only the stored mode needs it, and importing it costs a process 2 ms

    filters = [{"id": lzma.FILTER_LZMA2, "preset": 6, "dict_size": DICTIONARY}]
    return lzma.LZMACompressor(lzma.FORMAT_XZ, filters=filters)


def compress(original):
    """``original`` as one .xz stream, as :func:`compressor` makes it."""
    packer = compressor()
    return packer.compress(original) + packer.flush()


def decompress_into(read, write, limit=None):
    """Decode the one .xz stream that ``read(n)`` gives to its end, passing the output to
    ``write`` a block at a time; ``ValueError`` if it is not exactly one valid .xz stream or
    decodes to more than ``limit`` bytes. Returns the output's size."""
    import lzma  # as in compressor()

    unpacker = lzma.LZMADecompressor(lzma.FORMAT_XZ)
    size = 0
    pending = b""
    try:
        while not unpacker.eof:
            if unpacker.needs_input:
                pending = read(CHUNK)
                if not pending:
                    break
            else:
                pending = b""
            chunk = unpacker.decompress(pending, max_length=CHUNK)
            size += len(chunk)
            if limit is not None and size > limit:
                raise ValueError(f"stored payload decodes to more than the {limit} bytes a"
                                 " stored payload of this version may have")
            write(chunk)
    except lzma.LZMAError as error:
        raise ValueError(f"corrupted stored payload ({error})") from None
    if not unpacker.eof or unpacker.unused_data or read(1):
        raise ValueError("corrupted stored payload (not one complete .xz stream)")
    return size


def decompress(stream, limit=None):
    """The original of the .xz ``stream`` (bytes), as :func:`decompress_into`."""
    import io

    source, chunks = io.BytesIO(stream), []
    decompress_into(source.read, chunks.append, limit)
    return b"".join(chunks)
