"""WAV parsing: split a file into the bytes before its samples, the samples, and the rest.

Only what the codec needs: a RIFF/WAVE file with a PCM ``fmt`` chunk of 16 bits per sample
(any channel count) followed by a ``data`` chunk. Everything else about the file (other
chunks, odd sizes, a data chunk longer than the file) is kept as opaque bytes, so that any
such file is restored byte for byte. Files that are not 16-bit PCM WAV are not parsed at
all: the container stores them through its fallback path.
"""

import struct

PCM = 1


class Pcm16:
    """A 16-bit PCM WAV file taken apart: immutable, equal to another of equal members.

    Members
    -------
    prefix : bytes
        Everything before the first sample (RIFF header, ``fmt`` and other chunks).
    samples : tuple of int
        The signed 16-bit samples, interleaved by channel.
    suffix : bytes
        Everything after the last whole sample.
    channels : int
    rate : int
        Samples per second per channel.
    """

    # a plain class, not a dataclass or a named tuple: every ./encode and ./decode process
    # imports this module, and importing dataclasses (inspect, re, ast, ...) cost each about
    # 25 ms, collections 2 ms
    __slots__ = ("prefix", "samples", "suffix", "channels", "rate")

    def __init__(self, prefix, samples, suffix, channels, rate):
        members = (prefix, samples, suffix, channels, rate)
        for name, value in zip(self.__slots__, members):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"a Pcm16 is immutable: cannot set {name}")

    def _members(self):
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other):
        return type(other) is Pcm16 and self._members() == other._members()

    def __hash__(self):
        return hash(self._members())

    def __repr__(self):
        members = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Pcm16({members})"

    def is_canonical(self):
        """True if the file is the 44-byte header and the samples, as :func:`header` writes."""
        return is_canonical(self.prefix, self.suffix, self.rate, self.channels,
                            len(self.samples))


def is_canonical(prefix, suffix, rate, channels, count):
    """True if a file of ``count`` samples is :func:`header` and the samples, nothing else."""
    try:
        expected = header(rate, channels, count)
    except ValueError:
        return False
    return prefix == expected and not suffix


def header(rate, channels, count):
    """The canonical 44-byte header of a 16-bit PCM WAV with ``count`` samples.

    Raises ``ValueError`` if a field does not fit its place in the header.
    """
    size = 2 * count
    block = 2 * channels
    if not (0 < block < 1 << 16 and rate * block < 1 << 32 and 36 + size < 1 << 32):
        raise ValueError(f"no canonical WAV header for {channels} channels, {rate} Hz and"
                         f" {count} samples: a field overflows")
    fmt = struct.pack("<HHIIHH", PCM, channels, rate, rate * block, block, 16)
    return (
        b"RIFF" + struct.pack("<I", 36 + size) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", size)
    )


def locate_pcm16(data, size=None):
    """Where the samples of a 16-bit PCM WAV are, or ``None`` if ``data`` is not one.

    Returns ``(body, count, channels, rate)``: ``count`` samples start at offset ``body``.
    ``data`` may be the first bytes of a file of ``size`` bytes (all of it if None): its
    chunks before the samples must then lie within ``data``, or the file is not taken for
    a WAV.
    """
    size = len(data) if size is None else size
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    fmt = None
    offset = 12
    while offset + 8 <= len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack_from("<I", data, offset + 4)
        body = offset + 8
        if kind == b"fmt ":
            if length < 16 or body + 16 > len(data):
                return None
            fmt = struct.unpack_from("<HHIIHH", data, body)
        elif kind == b"data":
            if fmt is None:
                return None
            tag, channels, rate, _, _, bits = fmt
            if tag != PCM or bits != 16 or channels == 0:
                return None
            return body, (min(body + length, size) - body) // 2, channels, rate
        # chunks are padded to an even size
        offset = body + length + (length & 1)
    return None


def parse_pcm16(data):
    """The :class:`Pcm16` view of ``data``, or ``None`` if it is not a 16-bit PCM WAV."""
    layout = locate_pcm16(data)
    if layout is None:
        return None
    body, count, channels, rate = layout
    samples = struct.unpack_from(f"<{count}h", data, body)
    return Pcm16(data[:body], samples, data[body + 2 * count :], channels, rate)
