"""The file container: what ``./encode`` writes and ``./decode`` reads (``docs/FORMAT.md``).

A compressed file is a small header, then a payload. 16-bit PCM WAV files are coded by the
core (:mod:`golden.core`): as 10-bit ADC codes when every sample lies on the ADC lattice
(:mod:`golden.samples`), otherwise as 16-bit samples; the channels of a multi-channel file
are the core's interleaved channels. A canonical 44-byte WAV header is rebuilt from the
sample rate; any other header and any bytes after the samples are stored verbatim. Every
other input is stored through LZMA (or as is, where LZMA does not help: :mod:`golden.xz`). A
CRC-32 of the original file lets the decoder refuse to write anything but the original.

Near-lossless (``near`` = δ ≥ 1, :mod:`golden.near`) applies to ADC10 files only: the flag
:data:`NEAR` and δ are recorded after the flags byte, and the CRC is that of the decoder's
output, the file rebuilt from the reconstructed codes, which the encoder computes by decoding
its own payload. Every other file is coded losslessly whatever δ is asked for
(:func:`near_of` says which a compressed file is).
"""

import struct
import zlib

from . import adc, backends, core, samples, wav, xz
from . import near as near_module

MAGIC = b"NRC"
#: The version written. Version 1 (no ADC flag, no table) still decodes.
VERSION = 2
VERSIONS = (1, 2)

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
CORE_FLAGS = {1: CANONICAL_HEADER | ARITH | NEAR, 2: CANONICAL_HEADER | ARITH | NEAR | ADC}
#: An arithmetic-coded sample takes at least 1/2048 of a bit (docs/FORMAT.md, 6).
ARITH_SAMPLES_A_BIT = backends.BACK_ENDS["arith"].samples_a_bit
#: A sample of the ADC-aware back end takes at least 1/32768 of a bit (docs/FORMAT.md, 6).
ADC_SAMPLES_A_BIT = backends.BACK_ENDS["adc"].samples_a_bit
#: The width table's byte after the flags: a built-in table's id, or INLINE_TABLE.
INLINE_TABLE = 255

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
    def __init__(self, data):
        self.data = data
        self.offset = 0

    def take(self, size):
        if self.offset + size > len(self.data):
            raise FormatError("compressed file is truncated")
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

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

    def rest(self):
        return self.take(len(self.data) - self.offset)


def _crc(data):
    return zlib.crc32(data).to_bytes(4, "little")


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


def _encode_core(original, layout, steps, coder, near, table):
    body, count, channels, rate = layout
    values = steps.unpack(original, body, count)
    codes = steps.to_codes(values)
    if codes is not None:
        mapping, width, values = MAP_ADC10, samples.CODE_BITS, codes
    else:
        # a table is a calibration of the 10-bit ADC: 16-bit samples get an ideal one
        mapping, width, values, near, table = MAP_LINEAR16, 16, steps.to_linear(values), 0, adc.UNIFORM
    prefix, suffix = original[:body], original[body + 2 * count :]
    head = bytearray(MAGIC + bytes([VERSION, CORE, mapping]))
    head += _varint(channels) + _varint(count)
    canonical = wav.is_canonical(prefix, suffix, rate, channels, count)
    flags = (CANONICAL_HEADER if canonical else 0) | backends.BACK_ENDS[coder].flag
    head += bytes([flags | (NEAR if near else 0)])
    if near:
        head += _varint(near)
    if coder == "adc":
        head += _table_field(table)
    if canonical:
        head += _varint(rate)
    else:
        head += _varint(len(prefix)) + prefix
        head += _varint(len(suffix)) + suffix
    payload = steps.encode(values, width, channels, coder=coder, near=near, table=table)
    if near:
        # the CRC of what the decoder will write: the reconstruction, not the original
        restored = steps.decode(payload, count, width, channels, coder=coder, near=near,
                                table=table)
        original = prefix + steps.from_codes(restored) + suffix
    return bytes(head) + _crc(original) + payload


def _encode_stored(original):
    flag, payload = 0, original
    if xz.pays(original):
        packed = xz.compress(original)
        if len(packed) < len(original):
            flag, payload = LZMA, packed
    return MAGIC + bytes([VERSION, STORED, flag]) + _crc(original) + payload


def compress(original, steps=SampleSteps, *, coder="rice", near=0, table=None):
    """The compressed form of the bytes ``original``, whatever they are.

    ``steps`` does the per-sample work (:class:`SampleSteps`); the golden model's by default.
    ``coder`` is the core's back end for WAV files (:data:`golden.core.CODERS`).
    ``near`` = δ ≥ 1 codes a WAV file of 10-bit ADC codes near-lossless, every code restored
    within ±δ; any other file is coded losslessly (:func:`near_of` tells which happened).
    ``table`` is the ADC's code widths of the ``"adc"`` back end (:mod:`golden.adc`), the
    built-in :data:`golden.adc.DEFAULT` if None.
    """
    core.check_parameters(1, 1, coder)
    near_module.check_near(near, samples.CODE_BITS)
    table = adc.DEFAULT if table is None else table
    table.check(samples.CODE_BITS)
    layout = wav.locate_pcm16(original)
    if layout is not None and len(original) <= xz.MAX_SIZE:
        coded = _encode_core(original, layout, steps, coder, near, table)
        if len(coded) < len(original):
            return coded
    return _encode_stored(original)


def decompress(data, steps=SampleSteps):
    """The original bytes of the compressed ``data``; raises :class:`FormatError`.

    ``steps`` does the per-sample work (:class:`SampleSteps`); the golden model's by default.
    """
    cursor = _Cursor(data)
    if cursor.take(3) != MAGIC:
        raise FormatError("not a neurorice file (bad magic)")
    version = cursor.byte()
    if version not in VERSIONS:
        raise FormatError(f"unsupported format version {version}, expected one of"
                          f" {', '.join(map(str, VERSIONS))}")
    mode = cursor.byte()
    if mode == STORED:
        original = _decompress_stored(cursor)
    elif mode == CORE:
        original = _decompress_core(cursor, steps, version)
    else:
        raise FormatError(f"unknown mode {mode}")
    return original


def near_of(data):
    """The error bound δ a compressed file was coded with: 0 if lossless.

    Reads the header only; raises :class:`FormatError` if it is not a neurorice header.
    """
    cursor = _Cursor(data)
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


def _check(original, crc):
    if _crc(original) != crc:
        raise FormatError("CRC mismatch: the compressed file is corrupted")
    return original


def _decompress_stored(cursor):
    flag = cursor.byte()
    crc = cursor.take(4)
    payload = cursor.rest()
    if flag == LZMA:
        # exactly one .xz stream and nothing after it, within the size its index declares
        try:
            payload = xz.decompress(payload)
        except ValueError as error:
            raise FormatError(str(error)) from None
    elif flag != 0:
        raise FormatError(f"unknown stored flag {flag}")
    return _check(payload, crc)


def _read_table(cursor, width):
    number = cursor.byte()
    if number == INLINE_TABLE:
        try:
            table, cursor.offset = adc.AdcTable.from_bytes(cursor.data, cursor.offset)
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


def _decompress_core(cursor, steps, version):
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
    table = _read_table(cursor, width) if coder == "adc" else adc.DEFAULT
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
    payload = cursor.rest()
    # an arithmetic-coded sample can take well under a bit, so the output's size, not just
    # the count against the payload, is bounded: no small file may decode to gigabytes
    size = len(prefix) + 2 * count + len(suffix)
    if size > xz.MAX_SIZE:
        raise FormatError(f"compressed file declares {size} bytes of output, more than the"
                          f" {xz.MAX_SIZE >> 20} MiB a file may have")
    # a sample takes at least one bit (Rice) or 1/2048 of one (arithmetic coded): refuse
    # absurd counts before decoding anything
    per_bit = samples_a_bit(coder)
    if count > per_bit * 8 * len(payload):
        raise FormatError("compressed file is truncated")
    try:
        values = steps.decode(payload, count, width, channels, coder=coder, near=near,
                              table=table)
    except ValueError as error:
        raise FormatError(f"corrupted compressed stream ({error})") from None
    body = steps.from_codes(values) if mapping == MAP_ADC10 else steps.from_linear(values)
    return _check(prefix + body + suffix, crc)
