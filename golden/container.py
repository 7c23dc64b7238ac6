"""The file container: what ``./encode`` writes and ``./decode`` reads (``docs/FORMAT.md``).

A compressed file is a small header, then a payload. 16-bit PCM WAV files are coded by the
core (:mod:`golden.core`): as 10-bit ADC codes when every sample lies on the ADC lattice
(:mod:`golden.samples`), otherwise as 16-bit samples; the channels of a multi-channel file
are the core's interleaved channels. A canonical 44-byte WAV header is rebuilt from the
sample rate; any other header and any bytes after the samples are stored verbatim. Every
other input is stored through LZMA (or as is, if LZMA does not help). A CRC-32 of the
original file lets the decoder refuse to write anything but the original.
"""

import lzma
import struct
import zlib

from . import core, samples, wav

MAGIC = b"NRC"
VERSION = 1

# modes
STORED = 0
CORE = 1

# sample mappings of the core mode
MAP_LINEAR16 = 0  # 16-bit signed samples, offset to unsigned
MAP_ADC10 = 1  # 10-bit ADC codes on the lattice of golden.samples

# flags of the core mode
CANONICAL_HEADER = 1
ARITH = 2  # the payload is coded by the arithmetic-coded back end (golden.arith)
CORE_FLAGS = CANONICAL_HEADER | ARITH
#: An arithmetic-coded sample takes at least 1/2048 of a bit (docs/FORMAT.md, 6).
ARITH_SAMPLES_A_BIT = 2048

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

    encode = staticmethod(core.encode)  # (values, width, channels, *, coder)
    decode = staticmethod(core.decode)  # (data, count, width, channels, *, coder)

    @staticmethod
    def from_codes(codes):
        """ADC codes as little-endian 16-bit samples."""
        return struct.pack(f"<{len(codes)}h", *samples.codes_to_values(codes))

    @staticmethod
    def from_linear(values):
        """The unsigned values of the 16-bit mapping as little-endian 16-bit samples."""
        return struct.pack(f"<{len(values)}h", *[v - 0x8000 for v in values])


def _encode_core(original, layout, steps, coder):
    body, count, channels, rate = layout
    values = steps.unpack(original, body, count)
    codes = steps.to_codes(values)
    if codes is not None:
        mapping, width, values = MAP_ADC10, samples.CODE_BITS, codes
    else:
        mapping, width, values = MAP_LINEAR16, 16, steps.to_linear(values)
    prefix, suffix = original[:body], original[body + 2 * count :]
    head = bytearray(MAGIC + bytes([VERSION, CORE, mapping]))
    head += _varint(channels) + _varint(count)
    flags = ARITH if coder == "arith" else 0
    if wav.is_canonical(prefix, suffix, rate, channels, count):
        head += bytes([flags | CANONICAL_HEADER]) + _varint(rate)
    else:
        head += bytes([flags]) + _varint(len(prefix)) + prefix
        head += _varint(len(suffix)) + suffix
    head += _crc(original)
    return bytes(head) + steps.encode(values, width, channels, coder=coder)


def _encode_stored(original):
    packed = lzma.compress(original, preset=9 | lzma.PRESET_EXTREME)
    flag, payload = (LZMA, packed) if len(packed) < len(original) else (0, original)
    return MAGIC + bytes([VERSION, STORED, flag]) + _crc(original) + payload


def compress(original, steps=SampleSteps, *, coder="rice"):
    """The compressed form of the bytes ``original``, whatever they are.

    ``steps`` does the per-sample work (:class:`SampleSteps`); the golden model's by default.
    ``coder`` is the core's back end for WAV files (:data:`golden.core.CODERS`).
    """
    core.check_parameters(1, 1, coder)
    layout = wav.locate_pcm16(original)
    if layout is not None:
        coded = _encode_core(original, layout, steps, coder)
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
    if version != VERSION:
        raise FormatError(f"unsupported format version {version}, expected {VERSION}")
    mode = cursor.byte()
    if mode == STORED:
        original = _decompress_stored(cursor)
    elif mode == CORE:
        original = _decompress_core(cursor, steps)
    else:
        raise FormatError(f"unknown mode {mode}")
    return original


def _check(original, crc):
    if _crc(original) != crc:
        raise FormatError("CRC mismatch: the compressed file is corrupted")
    return original


def _decompress_stored(cursor):
    flag = cursor.byte()
    crc = cursor.take(4)
    payload = cursor.rest()
    if flag == LZMA:
        # exactly one .xz stream and nothing after it
        unpacker = lzma.LZMADecompressor(lzma.FORMAT_XZ)
        try:
            payload = unpacker.decompress(payload)
        except lzma.LZMAError as error:
            raise FormatError(f"corrupted stored payload ({error})") from None
        if not unpacker.eof or unpacker.unused_data:
            raise FormatError("corrupted stored payload (not one complete .xz stream)")
    elif flag != 0:
        raise FormatError(f"unknown stored flag {flag}")
    return _check(payload, crc)


def _decompress_core(cursor, steps):
    mapping = cursor.byte()
    if mapping not in (MAP_LINEAR16, MAP_ADC10):
        raise FormatError(f"unknown sample mapping {mapping}")
    width = samples.CODE_BITS if mapping == MAP_ADC10 else 16
    channels = cursor.varint(core.MAX_CHANNELS)
    count = cursor.varint()
    if channels == 0:
        raise FormatError("compressed file declares zero channels")
    flags = cursor.byte()
    if flags & ~CORE_FLAGS:
        raise FormatError(f"unknown header flags {flags}")
    coder = "arith" if flags & ARITH else "rice"
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
    # a sample takes at least one bit (Rice) or 1/2048 of one (arithmetic coded): refuse
    # absurd counts before decoding anything
    per_bit = ARITH_SAMPLES_A_BIT if coder == "arith" else 1
    if count > per_bit * 8 * len(payload):
        raise FormatError("compressed file is truncated")
    try:
        values = steps.decode(payload, count, width, channels, coder=coder)
    except ValueError as error:
        raise FormatError(f"corrupted compressed stream ({error})") from None
    body = steps.from_codes(values) if mapping == MAP_ADC10 else steps.from_linear(values)
    return _check(prefix + body + suffix, crc)
