#!/usr/bin/env python3
"""An independent neurorice decoder, written from docs/FORMAT.md alone.

It imports nothing from the project (standard library only), so that it cross-checks the
format document against the golden model: if both decode a file to the same bytes, the
document describes what the golden model does. Section numbers refer to docs/FORMAT.md.

    python3 tools/independent_decoder.py IN.nrc OUT        # decode IN.nrc into OUT
"""

import lzma
import sys
import zlib


class Reject(Exception):
    """The compressed file is malformed (FORMAT.md section 8)."""


# --- 1. conventions, 2. container ------------------------------------------------------

class Cursor:
    """Reads the container's bytes, rejecting reads past the end."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise Reject("truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self):
        return self.take(1)[0]

    def varint(self, limit=(1 << 32) - 1):
        """Unsigned LEB128 (1.1)."""
        value = shift = 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if value > limit or shift > 35:
                raise Reject("varint out of range")
            if not b & 0x80:
                return value

    def rest(self):
        return self.take(len(self.data) - self.pos)


def le(value, size):
    """``value`` as ``size`` little-endian bytes; Reject if it does not fit (2.3)."""
    if not 0 <= value < 1 << (8 * size):
        raise Reject("canonical header field overflows")
    return value.to_bytes(size, "little")


def canonical_header(rate, channels, count):
    """The 44-byte header of 2.3."""
    size, block = 2 * count, 2 * channels
    return (b"RIFF" + le(36 + size, 4) + b"WAVE"
            + b"fmt " + le(16, 4) + le(1, 2) + le(channels, 2) + le(rate, 4)
            + le(rate * block, 4) + le(block, 2) + le(16, 2)
            + b"data" + le(size, 4))


# --- 3. sample mappings ----------------------------------------------------------------

def adc_value(c):
    if c < 512:
        return -(((1023 - 2 * c) * 65535 + 1023) // 2046)
    return -1 - adc_value(1023 - c)


ADC_VALUES = [adc_value(c) for c in range(1024)]


# --- 5. the coded sample stream --------------------------------------------------------

class Bits:
    """The payload as a bit sequence, MSB of each byte first (5.1)."""

    def __init__(self, data):
        self.data, self.pos = data, 0  # pos: bits read so far

    def bit(self):
        if self.pos >= 8 * len(self.data):
            raise Reject("stream ends inside a codeword")
        b = (self.data[self.pos >> 3] >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return b

    def read(self, n):
        value = 0
        for _ in range(n):
            value = (value << 1) | self.bit()
        return value  # 0 for n = 0

    def check_end(self):
        left = 8 * len(self.data) - self.pos
        if left >= 8 or (left and self.data[-1] & ((1 << left) - 1)):
            raise Reject("data after the last sample")


class Channel:
    """Predictor and Rice state of one channel, at its reset values (5.3)."""

    def __init__(self, w):
        mid = 1 << (w - 1)
        self.h = [mid, mid, mid]
        self.a = [mid << 8, mid << 8]
        self.w = [0, 0, 0, 0]
        self.A = max(2, ((1 << w) + 32) >> 6)
        self.N = 1


def read_codeword(bits, k, width):
    """5.5: the zigzagged residual u."""
    z = 0
    while z < 16 and bits.bit() == 0:
        z += 1
    if z == 16:
        return bits.read(width)
    return (z << k) | bits.read(k)


# --- 5.6 the arithmetic-coded stream ---------------------------------------------------

PRIOR = [4401, 4229, 3945, 3592, 3192, 2762, 2337, 1934, 1561, 1231, 953, 723, 536, 392,
         281, 200, 139, 96, 67, 46, 32, 23, 16, 11, 8, 6, 4, 3, 3, 2, 2, 9]
TOTAL = 32736 << 12


class Arith:
    """The decoder of 5.6: one interval and one context per k, for the whole stream."""

    def __init__(self, bits, width):
        self.bits, self.width = bits, width
        self.R = 65535
        self.V = bits.read(16)
        if self.V >= self.R:
            raise Reject("arithmetic-coded stream starts outside its interval")
        start = [sum(PRIOR[:i]) << 12 for i in range(33)]
        self.C = [list(start) for _ in range(width)]
        self.n = [63] * width

    def read(self, k):
        """5.6.2: the zigzagged residual u."""
        C, R, V = self.C[k], self.R, self.V

        def b(s):
            return (C[s] >> 12) + s

        s = 0
        while (R * b(s + 1)) >> 15 <= V:
            s += 1
        lo, hi = (R * b(s)) >> 15, (R * b(s + 1)) >> 15
        V, R = V - lo, hi - lo
        d = 16 - R.bit_length()
        R, V = R << d, (V << d) | self.bits.read(d)
        t = min(12, (self.n[k] + 1).bit_length())
        for i in range(1, 32):
            C[i] = C[i] + ((TOTAL - C[i]) >> t) if i > s else C[i] - (C[i] >> t)
        self.n[k] = min(self.n[k] + 1, 4095)
        m = self.width if s == 31 else max(k - 2, 0)
        V = (V << m) | self.bits.read(m)
        r, V = divmod(V, R)
        self.R, self.V = R, V
        return r if s == 31 else (s << m) | r


def decode_stream(payload, count, width, channels, arith=False):
    """``count`` unsigned ``width``-bit samples (5.4; 5.6 if ``arith``)."""
    bits = Bits(payload)
    coder = Arith(bits, width) if arith else None
    states = [Channel(width) for _ in range(channels)]
    top = (1 << width) - 1
    out = []
    for i in range(count):
        s = states[i % channels]
        h, a = s.h, s.a
        f = [h[0] - h[1], h[1] - h[2], (a[0] >> 8) - h[0], (a[1] >> 8) - h[0]]
        acc = sum(wj * fj for wj, fj in zip(s.w, f))
        p = min(max(h[0] + ((acc + 8192) >> 14), 0), top)
        k = 0
        while (s.N << k) < s.A and k < width - 1:
            k += 1
        u = coder.read(k) if arith else read_codeword(bits, k, width)
        if u > top:
            raise Reject("residual out of range")
        e = u >> 1 if u % 2 == 0 else -((u + 1) >> 1)
        x = (p + e) % (1 << width)
        out.append(x)
        d = (x > p) - (x < p)  # sign(x - p)
        s.w = [min(max(wj + 4 * d * ((fj > 0) - (fj < 0)), -8192), 8191)
               for wj, fj in zip(s.w, f)]
        s.h = [x, h[0], h[1]]
        s.a = [a[0] + (((x << 8) - a[0]) >> 3), a[1] + (((x << 8) - a[1]) >> 8)]
        s.A += abs(e)
        s.N += 1
        if s.N == 256:
            s.A = (s.A + 1) >> 1
            s.N = 128
    bits.check_end()
    if arith and coder.V != 0:
        raise Reject("data after the last sample (code not at its end)")
    return out


# --- 2. container, 4. integrity --------------------------------------------------------

def decode_stored(cur):
    """2.1"""
    flag = cur.byte()
    crc = cur.take(4)
    payload = cur.rest()
    if flag == 1:
        unpacker = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        try:
            payload = unpacker.decompress(payload)
        except lzma.LZMAError as error:
            raise Reject(f"bad .xz payload ({error})") from None
        if not unpacker.eof or unpacker.unused_data:
            raise Reject("payload is not exactly one .xz stream")
    elif flag != 0:
        raise Reject(f"unknown stored flag {flag}")
    return payload, crc


def decode_core(cur):
    """2.2"""
    mapping = cur.byte()
    if mapping not in (0, 1):
        raise Reject(f"unknown mapping {mapping}")
    width = 10 if mapping == 1 else 16
    channels = cur.varint(65535)
    count = cur.varint()
    if channels == 0:
        raise Reject("zero channels")
    flags = cur.byte()
    if flags & ~3:
        raise Reject(f"unknown flags {flags}")
    if flags & 1:
        prefix, suffix = canonical_header(cur.varint(), channels, count), b""
    else:
        prefix = cur.take(cur.varint())
        suffix = cur.take(cur.varint())
    arith = bool(flags & 2)
    crc = cur.take(4)
    payload = cur.rest()
    if count > (2048 if arith else 1) * 8 * len(payload):
        raise Reject("count larger than the payload can hold")
    values = decode_stream(payload, count, width, channels, arith)
    body = [ADC_VALUES[c] for c in values] if mapping == 1 else [u - 32768 for u in values]
    samples = b"".join(v.to_bytes(2, "little", signed=True) for v in body)
    return prefix + samples + suffix, crc


def decompress(data):
    """The original file of the compressed ``data``; raises Reject."""
    cur = Cursor(data)
    if cur.take(3) != b"NRC":
        raise Reject("bad magic")
    version = cur.byte()
    if version != 1:
        raise Reject(f"unsupported version {version}")
    mode = cur.byte()
    if mode == 0:
        original, crc = decode_stored(cur)
    elif mode == 1:
        original, crc = decode_core(cur)
    else:
        raise Reject(f"unknown mode {mode}")
    if zlib.crc32(original).to_bytes(4, "little") != crc:
        raise Reject("CRC mismatch")
    return original


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: independent_decoder.py IN OUT")
    with open(argv[0], "rb") as f:
        data = f.read()
    try:
        original = decompress(data)
    except Reject as error:
        print(f"independent_decoder: {argv[0]}: {error}", file=sys.stderr)
        return 1
    with open(argv[1], "wb") as f:
        f.write(original)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
