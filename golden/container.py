"""The file container: what ``./encode`` writes and ``./decode`` reads (``docs/FORMAT.md``).

A compressed file is a small header, then a payload. 16-bit PCM WAV files are coded by the
core (:mod:`golden.core`): as 10-bit ADC codes when every sample lies on the ADC lattice
(:mod:`golden.samples`), otherwise as 16-bit samples; the channels of a multi-channel file
are the core's interleaved channels. A canonical 44-byte WAV header is rebuilt from the
sample rate; any other header and any bytes after the samples are stored verbatim. Every
other input is stored through LZMA (or as is, where LZMA does not help: :mod:`golden.xz`). A
CRC-32 of the original file lets the decoder refuse to write anything but the original.

A recording of more than :func:`piece_size` samples is coded in pieces, each an
independent core stream (the core restarts at each), so that both directions hold one
piece at a time: memory is bounded whatever the file's size, as in the stored mode, which
streams LZMA or the raw bytes. :func:`compress_file` and :func:`decompress_file` work on
files; :func:`compress` and :func:`decompress` on bytes, through them.

Near-lossless (``near`` = δ ≥ 1, :mod:`golden.near`) applies to ADC10 files only: the flag
:data:`NEAR` and δ are recorded after the flags byte, and the CRC is that of the decoder's
output, the file rebuilt from the reconstructed codes, which the encoder computes by decoding
its own payload, a piece at a time. Every other file is coded losslessly whatever δ is
asked for (:func:`near_of` says which a compressed file is).
"""

import io
import struct
import zlib

from . import adc, backends, core, samples, wav, xz
from . import near as near_module
from . import order

MAGIC = b"NRC"
#: The version written. Versions 1 (no ADC flag, no table), 2 (no pieces, outputs of at
#: most 256 MiB) and 3 (Rice and arithmetic-coded streams in the codes' natural order)
#: still decode.
VERSION = 4
VERSIONS = (1, 2, 3, 4)

# modes
STORED = 0
CORE = 1

# sample mappings of the core mode
MAP_LINEAR16 = 0  # 16-bit signed samples, offset to unsigned
MAP_ADC10 = 1  # 10-bit ADC codes on the lattice of golden.samples

# flags of the core mode
CANONICAL_HEADER = 1
NEAR = 4  # near-lossless: δ follows the flags byte (golden.near)
ARITH = backends.BACK_ENDS["arith"].flag  # the arithmetic-coded back end (golden.arith)
ADC = backends.BACK_ENDS["adc"].flag  # the ADC-aware back end (golden.interval); version 2
PIECES = 16  # the samples are coded in pieces; version 3
CORE_FLAGS = {1: CANONICAL_HEADER | ARITH | NEAR, 2: CANONICAL_HEADER | ARITH | NEAR | ADC,
              3: CANONICAL_HEADER | ARITH | NEAR | ADC | PIECES,
              4: CANONICAL_HEADER | ARITH | NEAR | ADC | PIECES}
#: The encoder codes a file in its table's rank order (golden.order) unless the table's
#: missing codes are more than one in this many of its first piece's samples: each costs
#: about 40 bits where the order saves about 0.017 bits a sample (docs/FORMAT.md 5.9).
MISSING_CODES_RARITY = 4096
#: An arithmetic-coded sample takes at least 1/2048 of a bit (docs/FORMAT.md, 6).
ARITH_SAMPLES_A_BIT = backends.BACK_ENDS["arith"].samples_a_bit
#: A sample of the ADC-aware back end takes at least 1/32768 of a bit (docs/FORMAT.md, 6).
ADC_SAMPLES_A_BIT = backends.BACK_ENDS["adc"].samples_a_bit
#: The width table's byte after the flags: a built-in table's id, or INLINE_TABLE.
INLINE_TABLE = 255

#: The samples of a piece the encoder aims at (a multiple of the channels: piece_size()).
PIECE = 1 << 23
#: The most samples a piece (or a version 3 file without pieces) may have.
MAX_PIECE = 1 << 24
#: A piece's payload is at most 4 bytes a sample and this many more (docs/FORMAT.md, 6).
PIECE_SLACK = 8
#: The most bytes a WAV's header (prefix) or its bytes after the samples (suffix) may have
#: to be coded in the core mode: both are held in memory and stored in the header.
MAX_VERBATIM = 1 << 20
#: The output a version 1 or 2 file may declare: 256 MiB.
MAX_OLD_OUTPUT = xz.MAX_SIZE

# flags of the stored mode
LZMA = 1


class FormatError(ValueError):
    """The compressed data is malformed, truncated, corrupted or of an unknown version."""


def _varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


class _Cursor:
    """Reads a compressed file's fields from the binary file ``source``, front to back."""

    def __init__(self, source):
        self.source = source

    def take(self, size):
        # in blocks: a length field of a short file may declare gigabytes
        chunks, left = [], size
        while left:
            chunk = self.source.read(min(left, xz.CHUNK))
            if not chunk:
                raise FormatError("compressed file is truncated")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def byte(self):
        return self.take(1)[0]

    def varint(self, maximum=(1 << 32) - 1):
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            shift += 7
            if value > maximum or shift > 35:
                raise FormatError("compressed file has an out-of-range length field")
            if not byte & 0x80:
                return value

    def upto(self, size):
        """The rest of the file, which must have at most ``size`` bytes."""
        chunks, left = [], size + 1
        while left and (chunk := self.source.read(min(left, xz.CHUNK))):
            chunks.append(chunk)
            left -= len(chunk)
        if not left:
            raise FormatError("compressed file has data after its payload")
        return b"".join(chunks)


def _crc(data):
    return zlib.crc32(data).to_bytes(4, "little")


class _Output:
    """The decoder's output: written to ``sink`` as it comes, its CRC-32 kept."""

    def __init__(self, sink):
        self.sink, self.crc, self.size = sink, 0, 0

    def write(self, data):
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.sink.write(data)

    def check(self, crc):
        if self.crc.to_bytes(4, "little") != crc:
            raise FormatError("CRC mismatch: the compressed file is corrupted")


class SampleSteps:
    """The container's work sample by sample, which a faster implementation may replace.

    Every step is a plain function; this class's are the golden model's. The fast path
    (``neurorice.fast``) passes its own to :func:`compress` and :func:`decompress`, so the
    container's format lives here alone.
    """

    @staticmethod
    def unpack(data, offset, count):
        """The ``count`` signed 16-bit little-endian samples at ``offset`` of ``data``."""
        return struct.unpack_from(f"<{count}h", data, offset)

    to_codes = staticmethod(samples.values_to_codes)

    @staticmethod
    def to_linear(values):
        """16-bit signed samples as the unsigned values of the 16-bit mapping."""
        return [v + 0x8000 for v in values]

    @staticmethod
    def count_codes(codes, wanted):
        """How many of ``codes`` (from :meth:`to_codes`) are in ``wanted``."""
        wanted = set(wanted)
        return sum(1 for code in codes if code in wanted)

    encode = staticmethod(core.encode)  # (values, width, channels, *, coder, near, table)
    decode = staticmethod(core.decode)  # (data, count, width, channels, *, coder, near, table)

    @staticmethod
    def from_codes(codes):
        """ADC codes as little-endian 16-bit samples."""
        return struct.pack(f"<{len(codes)}h", *samples.codes_to_values(codes))

    @staticmethod
    def from_linear(values):
        """The unsigned values of the 16-bit mapping as little-endian 16-bit samples."""
        return struct.pack(f"<{len(values)}h", *[v - 0x8000 for v in values])


def _table_field(table):
    """The width table as the header stores it: a built-in's id, or the table inline."""
    for number, known in adc.BUILT_IN.items():
        if table == known:
            return bytes([number])
    return bytes([INLINE_TABLE]) + table.to_bytes()


def table_in_header(version, mapping, coder, near):
    """Whether a core header carries a width table: the ``adc`` back end's, and from
    version 4 the rank order's (:mod:`golden.order`) of a lossless Rice or arithmetic-coded
    ADC10 stream."""
    if coder == "adc":
        return True
    return (version >= 4 and mapping == MAP_ADC10 and not near
            and coder in order.RANKED_CODERS)


def _order_table(codes, size, table, steps):
    """The table whose rank order a Rice or arithmetic-coded file uses: ``table``, unless
    its missing codes are not rare in the ``size`` ``codes`` (an ADC that produces them), then the
    natural order's."""
    missing = order.missing_codes(table, samples.CODE_BITS)
    if missing and steps.count_codes(codes, missing) * MISSING_CODES_RARITY > size:
        return adc.UNIFORM
    return table


def piece_size(channels):
    """The samples of a piece of a recording of ``channels`` channels: the largest multiple
    of ``channels`` not above :data:`PIECE`, and at least one frame."""
    return max(1, PIECE // channels) * channels


def _size(source):
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    return size


def _copy(source, start, size, write):
    """Pass ``size`` bytes of ``source`` from ``start`` to ``write``, a block at a time."""
    source.seek(start)
    while size:
        block = source.read(min(size, xz.CHUNK))
        if not block:
            raise OSError("the input file shrank while it was read")
        write(block)
        size -= len(block)


def _core_header(layout, prefix, suffix, mapping, coder, near, table, piece):
    _, count, channels, rate = layout
    head = bytearray(MAGIC + bytes([VERSION, CORE, mapping]))
    head += _varint(channels) + _varint(count)
    canonical = wav.is_canonical(prefix, suffix, rate, channels, count)
    flags = (CANONICAL_HEADER if canonical else 0) | backends.BACK_ENDS[coder].flag
    flags |= (NEAR if near else 0) | (PIECES if count > piece else 0)
    head += bytes([flags])
    if near:
        head += _varint(near)
    if table_in_header(VERSION, mapping, coder, near):
        head += _table_field(table)
    if count > piece:
        head += _varint(piece)
    if canonical:
        head += _varint(rate)
    else:
        head += _varint(len(prefix)) + prefix
        head += _varint(len(suffix)) + suffix
    return bytes(head)


def _encode_core(source, sink, layout, prefix, suffix, steps, mapping, coder, near, table):
    """Write the core-mode file of the WAV ``source`` to ``sink`` with ``mapping``; False
    if a sample is off the ADC lattice (for MAP_ADC10), True when written."""
    body, count, channels, _ = layout
    if mapping == MAP_ADC10:
        width = samples.CODE_BITS
    else:
        # a table is a calibration of the 10-bit ADC: 16-bit samples get an ideal one
        width, near, table = 16, 0, adc.UNIFORM
    piece = piece_size(channels)

    def pieces():
        for start in range(0, max(count, 1), piece):  # no samples: one empty piece
            size = min(piece, count - start)
            source.seek(body + 2 * start)
            raw = source.read(2 * size)
            values = steps.unpack(raw, 0, size)
            yield size, raw, (steps.to_codes(values) if mapping == MAP_ADC10
                              else steps.to_linear(values))

    coded = pieces()
    # the first piece is read before the header, which says which order it chose
    current = next(coded)
    if current[2] is None:
        return False
    if table_in_header(VERSION, mapping, coder, near) and coder != "adc":
        table = _order_table(current[2], current[0], table, steps)
    sink.write(_core_header(layout, prefix, suffix, mapping, coder, near, table, piece))
    crc_at = sink.tell()
    sink.write(bytes(4))
    crc = zlib.crc32(prefix)
    while current is not None:
        (size, raw, values), current = current, None
        if values is None:
            return False
        payload = steps.encode(values, width, channels, coder=coder, near=near, table=table)
        if count > piece:
            sink.write(_varint(len(payload)))
        sink.write(payload)
        if near:
            # the CRC of what the decoder will write: the reconstruction, not the original
            restored = steps.decode(payload, size, width, channels, coder=coder, near=near,
                                    table=table)
            raw = steps.from_codes(restored)
        crc = zlib.crc32(raw, crc)
        # one piece in memory at a time: nothing of this one is held while the next is read
        del raw, values, payload
        current = next(coded, None)
    end = sink.tell()
    sink.seek(crc_at)
    sink.write(zlib.crc32(suffix, crc).to_bytes(4, "little"))
    sink.seek(end)
    return True


def _encode_stored(source, size, sink):
    sink.write(MAGIC + bytes([VERSION, STORED, 0]))
    sink.write(bytes(4))
    crc = 0
    if xz.pays(source, size):
        packer = xz.compressor()
        source.seek(0)
        while block := source.read(xz.CHUNK):
            crc = zlib.crc32(block, crc)
            sink.write(packer.compress(block))
        sink.write(packer.flush())
        if sink.tell() - 10 < size:
            end = sink.tell()
            sink.seek(5)
            sink.write(bytes([LZMA]) + crc.to_bytes(4, "little"))
            sink.seek(end)
            return
        sink.seek(10)
        sink.truncate()
        crc = 0

    def write(block):
        nonlocal crc
        crc = zlib.crc32(block, crc)
        sink.write(block)

    _copy(source, 0, size, write)
    sink.seek(6)
    sink.write(crc.to_bytes(4, "little"))
    sink.seek(0, io.SEEK_END)


def _check_options(coder, near, table):
    core.check_parameters(1, 1, coder)
    near_module.check_near(near, samples.CODE_BITS)
    table = adc.DEFAULT if table is None else table
    table.check(samples.CODE_BITS)
    return table


def compress_file(source, sink, steps=SampleSteps, *, coder="rice", near=0, table=None):
    """Write the compressed form of the seekable binary file ``source`` to ``sink``.

    ``sink`` is a seekable binary file, empty: the header's CRC is written once the samples
    are, and a core-mode file that turns out no shorter than the original is replaced by
    the stored one. Both are read and written a piece at a time. The options are
    :func:`compress`'s.
    """
    table = _check_options(coder, near, table)
    size = _size(source)
    head = source.read(MAX_VERBATIM)
    layout = wav.locate_pcm16(head, size)
    if layout is not None and size - layout[0] - 2 * layout[1] <= MAX_VERBATIM:
        body, count = layout[:2]
        prefix = head[:body]
        source.seek(body + 2 * count)
        suffix = source.read()
        for mapping in (MAP_ADC10, MAP_LINEAR16):
            if _encode_core(source, sink, layout, prefix, suffix, steps, mapping, coder,
                            near, table):
                break
            sink.seek(0)
            sink.truncate()
        if sink.tell() < size:
            return
        sink.seek(0)
        sink.truncate()
    _encode_stored(source, size, sink)


def compress(original, steps=SampleSteps, *, coder="rice", near=0, table=None):
    """The compressed form of the bytes ``original``, whatever they are.

    ``steps`` does the per-sample work (:class:`SampleSteps`); the golden model's by default.
    ``coder`` is the core's back end for WAV files (:data:`golden.core.CODERS`).
    ``near`` = δ ≥ 1 codes a WAV file of 10-bit ADC codes near-lossless, every code restored
    within ±δ; any other file is coded losslessly (:func:`near_of` tells which happened).
    ``table`` is the ADC's code widths of the ``"adc"`` back end (:mod:`golden.adc`), the
    built-in :data:`golden.adc.DEFAULT` if None.
    """
    sink = io.BytesIO()
    compress_file(io.BytesIO(original), sink, steps, coder=coder, near=near, table=table)
    return sink.getvalue()


def decompress_file(source, sink, steps=SampleSteps):
    """Write the original of the compressed binary file ``source`` to ``sink``, a piece at a
    time, reading ``source`` front to back once; raises :class:`FormatError`.

    The header is checked before anything else is read. What was written to ``sink`` is the
    original only if this returns: the CRC is checked at the end, and the caller discards
    ``sink`` on an error.
    """
    cursor = _Cursor(source)
    if cursor.take(3) != MAGIC:
        raise FormatError("not a neurorice file (bad magic)")
    version = cursor.byte()
    if version not in VERSIONS:
        raise FormatError(f"unsupported format version {version}, expected one of"
                          f" {', '.join(map(str, VERSIONS))}")
    mode = cursor.byte()
    if mode == STORED:
        _decompress_stored(cursor, _Output(sink), version)
    elif mode == CORE:
        _decompress_core(cursor, _Output(sink), steps, version)
    else:
        raise FormatError(f"unknown mode {mode}")


def decompress(data, steps=SampleSteps):
    """The original bytes of the compressed ``data``; raises :class:`FormatError`.

    ``steps`` does the per-sample work (:class:`SampleSteps`); the golden model's by default.
    """
    sink = io.BytesIO()
    decompress_file(io.BytesIO(data), sink, steps)
    return sink.getvalue()


def near_of(data):
    """The error bound δ a compressed file was coded with: 0 if lossless.

    Reads the header only (``data``: the file's bytes, or its first ones); raises
    :class:`FormatError` if it is not a neurorice header.
    """
    cursor = _Cursor(io.BytesIO(data))
    if cursor.take(3) != MAGIC or cursor.byte() not in VERSIONS:
        raise FormatError("not a neurorice file (bad magic or version)")
    if cursor.byte() != CORE:
        return 0
    cursor.byte()
    cursor.varint(core.MAX_CHANNELS)
    cursor.varint()
    return cursor.varint() if cursor.byte() & NEAR else 0


def samples_a_bit(coder):
    """The most samples a bit of ``coder``'s payload can hold (a bound, for refusing absurd
    sample counts before decoding)."""
    return backends.BACK_ENDS[coder].samples_a_bit


def _decompress_stored(cursor, out, version):
    flag = cursor.byte()
    crc = cursor.take(4)
    limit = MAX_OLD_OUTPUT if version < 3 else None
    if flag == LZMA:
        # exactly one .xz stream and nothing after it
        try:
            xz.decompress_into(cursor.source.read, out.write, limit)
        except ValueError as error:
            raise FormatError(str(error)) from None
    elif flag == 0:
        while block := cursor.source.read(xz.CHUNK):
            out.write(block)
    else:
        raise FormatError(f"unknown stored flag {flag}")
    out.check(crc)


def _inline_table(cursor):
    """An inline width table (docs/FORMAT.md 2.2), read field by field."""
    log2 = cursor.byte()
    if log2 > 16:
        raise ValueError(f"width table's period 2**{log2} is too long")
    period = cursor.take(1 << log2)
    count = cursor.byte()
    exceptions = cursor.take(3 * count)
    data = bytes([log2]) + period + bytes([count]) + exceptions
    return adc.AdcTable.from_bytes(data, 0)[0]


def _read_table(cursor, width):
    number = cursor.byte()
    if number == INLINE_TABLE:
        try:
            table = _inline_table(cursor)
        except ValueError as error:
            raise FormatError(f"bad width table: {error}") from None
    elif number in adc.BUILT_IN:
        table = adc.BUILT_IN[number]
    else:
        raise FormatError(f"unknown built-in width table {number}")
    try:
        table.check(width)
    except ValueError as error:
        raise FormatError(f"bad width table: {error}") from None
    return table


def _decompress_core(cursor, out, steps, version):
    mapping = cursor.byte()
    if mapping not in (MAP_LINEAR16, MAP_ADC10):
        raise FormatError(f"unknown sample mapping {mapping}")
    width = samples.CODE_BITS if mapping == MAP_ADC10 else 16
    channels = cursor.varint(core.MAX_CHANNELS)
    count = cursor.varint()
    if channels == 0:
        raise FormatError("compressed file declares zero channels")
    flags = cursor.byte()
    if flags & ~CORE_FLAGS[version] or flags & ARITH and flags & ADC:
        raise FormatError(f"unknown header flags {flags}")
    coder = next((b.name for b in backends.BACK_ENDS.values() if b.flag and flags & b.flag),
                 "rice")
    near = cursor.varint() if flags & NEAR else 0
    if flags & NEAR and not (mapping == MAP_ADC10 and 1 <= near <= near_module.max_near(width)):
        raise FormatError(f"near-lossless bound {near} is invalid for this sample mapping")
    if table_in_header(version, mapping, coder, near):
        table = _read_table(cursor, width)
    else:
        # the codes in their natural order: near-lossless, 16-bit samples, and the Rice and
        # arithmetic-coded streams before version 4
        table = adc.UNIFORM
    if flags & PIECES:
        piece = cursor.varint()
        if not (0 < piece <= MAX_PIECE and piece % channels == 0 and piece < count):
            raise FormatError(f"bad piece size {piece} for {count} samples of {channels}"
                              " channels")
    else:
        piece = max(count, 1)
        if version >= 3 and count > MAX_PIECE:
            raise FormatError(f"compressed file declares {count} samples in one piece, more"
                              f" than the {MAX_PIECE} a piece may have")
    if flags & CANONICAL_HEADER:
        rate = cursor.varint()
        try:
            prefix, suffix = wav.header(rate, channels, count), b""
        except ValueError as error:
            raise FormatError(str(error)) from None
    else:
        prefix = cursor.take(cursor.varint())
        suffix = cursor.take(cursor.varint())
    crc = cursor.take(4)
    # an arithmetic-coded sample can take well under a bit, so the output's size, not just
    # the count against the payload, is bounded in the versions whose decoders held it
    size = len(prefix) + 2 * count + len(suffix)
    if version < 3 and size > MAX_OLD_OUTPUT:
        raise FormatError(f"compressed file declares {size} bytes of output, more than the"
                          f" {MAX_OLD_OUTPUT >> 20} MiB a version {version} file may have")
    out.write(prefix)
    for start in range(0, max(count, 1), piece):  # no samples: one empty piece
        samples_here = min(piece, count - start)
        limit = 4 * samples_here + PIECE_SLACK
        if flags & PIECES:
            length = cursor.varint()
            if length > limit:
                raise FormatError(f"a piece of {samples_here} samples declares {length} bytes")
            payload = cursor.take(length)
        else:
            payload = cursor.upto(limit)
        # a sample takes at least one bit (Rice) or 1/2048 of one (arithmetic coded): refuse
        # absurd counts before decoding anything
        if samples_here > samples_a_bit(coder) * 8 * len(payload):
            raise FormatError("compressed file is truncated")
        try:
            values = steps.decode(payload, samples_here, width, channels, coder=coder,
                                  near=near, table=table)
        except ValueError as error:
            raise FormatError(f"corrupted compressed stream ({error})") from None
        out.write(steps.from_codes(values) if mapping == MAP_ADC10
                  else steps.from_linear(values))
    if flags & PIECES and cursor.source.read(1):
        raise FormatError("compressed file has data after its payload")
    out.write(suffix)
    out.check(crc)
