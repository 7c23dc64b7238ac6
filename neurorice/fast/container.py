""":func:`golden.container.compress` and :func:`~golden.container.decompress`, per sample in C.

The golden container does three things sample by sample in Python: unpacking the WAV's
samples, the lattice mapping (:mod:`golden.samples`) and packing the samples back; at
about 6 ms a recording they would cost more than the codec itself. Here the C module does
them on packed 16-bit arrays, with tables made from :data:`golden.samples.CODE_TO_VALUE`.
The rest (header fields, varints, CRC, the stored mode) calls the golden container's own
helpers, and ``tests/test_fast_container.py`` checks the two containers against each other,
output for output and error for error.
"""

import struct
from array import array

from golden import container as spec
from golden import samples, wav
from golden.container import FormatError

from . import require

__all__ = ["FormatError", "compress", "decompress"]

_core = require()

#: The ADC code of each 16-bit bit pattern, 0xFFFF for the values off the lattice.
TO_CODE = array("H", [0xFFFF]) * (1 << 16)
for _code, _value in enumerate(samples.CODE_TO_VALUE):
    TO_CODE[_value & 0xFFFF] = _code
#: The 16-bit value of each ADC code.
TO_VALUE = array("h", samples.CODE_TO_VALUE)


def pcm_layout(data):
    """``(body, count, channels, rate)`` of a 16-bit PCM WAV, or ``None`` if it is not one.

    :func:`golden.wav.parse_pcm16` step for step, except that the samples are not unpacked:
    ``count`` of them start at offset ``body``.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    fmt = None
    offset = 12
    while offset + 8 <= len(data):
        kind = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body = offset + 8
        if kind == b"fmt ":
            if size < 16 or body + 16 > len(data):
                return None
            fmt = struct.unpack_from("<HHIIHH", data, body)
        elif kind == b"data":
            if fmt is None:
                return None
            tag, channels, rate, _, _, bits = fmt
            if tag != wav.PCM or bits != 16 or channels == 0:
                return None
            return body, (min(body + size, len(data)) - body) // 2, channels, rate
        offset = body + size + (size & 1)
    return None


def compress(original):
    """The compressed form of the bytes ``original``, as :func:`golden.container.compress`."""
    layout = pcm_layout(original)
    if layout is not None:
        coded = _encode_core(original, *layout)
        if len(coded) < len(original):
            return coded
    return spec._encode_stored(original)


def _encode_core(original, body, count, channels, rate):
    end = body + 2 * count
    # the samples as a view of 16-bit items: Pcm16.is_canonical() needs only their number
    pcm = wav.Pcm16(original[:body], memoryview(original)[body:end].cast("h"), original[end:],
                    channels, rate)
    codes = _core.values_to_codes(pcm.samples, TO_CODE)
    if codes is not None:
        mapping, width, values = spec.MAP_ADC10, samples.CODE_BITS, codes
    else:
        mapping, width, values = spec.MAP_LINEAR16, 16, _core.offset_values(pcm.samples)
    head = bytearray(spec.MAGIC + bytes([spec.VERSION, spec.CORE, mapping]))
    head += spec._varint(channels) + spec._varint(count)
    if pcm.is_canonical():
        head += bytes([spec.CANONICAL_HEADER]) + spec._varint(rate)
    else:
        head += bytes([0]) + spec._varint(len(pcm.prefix)) + pcm.prefix
        head += spec._varint(len(pcm.suffix)) + pcm.suffix
    head += spec._crc(original)
    return bytes(head) + _core.encode(values, width, channels)


def decompress(data):
    """The original bytes of ``data``, as :func:`golden.container.decompress`."""
    cursor = spec._Cursor(data)
    if cursor.take(3) != spec.MAGIC:
        raise FormatError("not a neurorice file (bad magic)")
    version = cursor.byte()
    if version != spec.VERSION:
        raise FormatError(f"unsupported format version {version}, expected {spec.VERSION}")
    mode = cursor.byte()
    if mode == spec.STORED:
        return spec._decompress_stored(cursor)
    if mode == spec.CORE:
        return _decompress_core(cursor)
    raise FormatError(f"unknown mode {mode}")


def _decompress_core(cursor):
    mapping = cursor.byte()
    if mapping not in (spec.MAP_LINEAR16, spec.MAP_ADC10):
        raise FormatError(f"unknown sample mapping {mapping}")
    width = samples.CODE_BITS if mapping == spec.MAP_ADC10 else 16
    channels = cursor.varint(spec.core.MAX_CHANNELS)
    count = cursor.varint()
    if channels == 0:
        raise FormatError("compressed file declares zero channels")
    flags = cursor.byte()
    if flags == spec.CANONICAL_HEADER:
        rate = cursor.varint()
        try:
            prefix, suffix = wav.header(rate, channels, count), b""
        except ValueError as error:
            raise FormatError(str(error)) from None
    elif flags == 0:
        prefix = cursor.take(cursor.varint())
        suffix = cursor.take(cursor.varint())
    else:
        raise FormatError(f"unknown header flags {flags}")
    crc = cursor.take(4)
    payload = cursor.rest()
    if count > 8 * len(payload):
        raise FormatError("compressed file is truncated")
    try:
        values = _core.decode(payload, count, width, channels)
    except ValueError as error:
        raise FormatError(f"corrupted compressed stream ({error})") from None
    if mapping == spec.MAP_ADC10:
        body = _core.codes_to_values(values, TO_VALUE)
    else:
        body = _core.unoffset_values(values)
    return spec._check(prefix + body + suffix, crc)
