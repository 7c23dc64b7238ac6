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


# --- 5.8 the ADC-aware stream ----------------------------------------------------------

Q = [
    [12498, 3433, 41, 34, 27, 27, 25, 22, 19, 19, 17, 20, 16, 14, 13, 11, 11, 10, 9, 10, 7, 5,
     6, 5, 5, 4, 5, 3, 4, 4, 3, 24],
    [9832, 922, 716, 661, 649, 527, 482, 419, 346, 284, 237, 220, 169, 153, 115, 99, 93, 57,
     49, 49, 40, 29, 22, 22, 23, 18, 13, 14, 14, 8, 6, 63],
    [2851, 2787, 2511, 2150, 1754, 1355, 1002, 705, 476, 309, 191, 113, 65, 38, 20, 11, 5, 3,
     2, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
    [4266, 3847, 3046, 2153, 1375, 800, 430, 219, 107, 52, 25, 13, 7, 3, 3, 1, 1, 1, 0, 1, 0,
     0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
]
HALF, ESC = 16383, 32766
TABLES = {
    0: ([16], {}),
    1: ([14, 11, 19, 20, 15, 15, 15, 23, 15, 11, 19, 25, 11, 15, 15, 17,
         14, 11, 20, 21, 16, 15, 16, 28, 12, 11, 19, 25, 11, 13, 14, 6], {510: 1, 511: 0}),
}


def read_table(cur, width):
    """2.2's table field: (period widths, exceptions), checked."""
    ident = cur.byte()
    if ident == 255:
        log_period = cur.byte()
        if log_period > 16:
            raise Reject("table period too long")
        widths = list(cur.take(1 << log_period))
        exceptions = {}
        for _ in range(cur.byte()):
            code = int.from_bytes(cur.take(2), "little")
            if code in exceptions:
                raise Reject("table names a code twice")
            exceptions[code] = cur.byte()
    elif ident in TABLES:
        widths, exceptions = TABLES[ident]
    else:
        raise Reject(f"unknown table {ident}")
    if len(widths) > 1 << width or any(c >= 1 << width for c in exceptions):
        raise Reject("table does not fit the sample width")
    return widths, exceptions


def rank_codes(table, width):
    """5.9: the code of each rank, the table's codes of width 0 last."""
    widths, exceptions = table
    size = 1 << width
    wid = [exceptions.get(x, widths[x % len(widths)]) for x in range(size)]
    if not any(wid):
        raise Reject("table's codes all have width 0")
    return [x for x in range(size) if wid[x]] + [x for x in range(size) if not wid[x]]


class Adc:
    """The decoder of 5.8: the range coder of 5.6, four contexts, and the width table."""

    def __init__(self, bits, width, table, near):
        self.bits, self.width, self.near = bits, width, near
        widths, exceptions = table
        size = 1 << width
        self.wid = [exceptions.get(x, widths[x % len(widths)]) for x in range(size)]
        self.edge = [0]
        for x in range(size):
            self.edge.append(self.edge[-1] + self.wid[x])
        if self.edge[-1] == 0:
            raise Reject("table's codes all have width 0")
        self.R = 65535
        self.V = bits.read(16)
        if self.V >= self.R:
            raise Reject("stream starts outside its interval")
        self.D = [[sum(q[:i]) << 12 for i in range(33)] for q in Q]
        self.n = [63] * 4
        self.m = [0] * 4

    def centre(self, x):
        return self.edge[x] + (self.wid[x] >> 1)

    def narrow(self, lo, hi):
        L, H = (self.R * lo) >> 15, (self.R * hi) >> 15
        self.V, self.R = self.V - L, H - L
        d = 16 - self.R.bit_length()
        self.R, self.V = self.R << d, (self.V << d) | self.bits.read(d)

    def read(self, k, p, h0, acc):
        """5.8.3: q."""
        W, near, top = self.width, self.near, (1 << self.width) - 1
        step = 2 * near + 1
        c4 = (acc + (1 << 9)) >> 10
        P = min(max(self.centre(h0) + c4, 0), self.edge[-1])
        c, sh = min(k, 3), k + 2 + (step.bit_length() - 1)
        D = self.D[c]

        def b(i):
            return (D[i] >> 12) + i

        def ip(lo, hi, pos, nbits):
            d = max(nbits - 6, 0)
            return lo + (((hi - lo) * (pos >> d)) >> (nbits - d))

        def G(m):
            if m < 31 << sh:
                i = m >> sh
                return ip(b(i), b(i + 1), m % (1 << sh), sh)
            r = m - (31 << sh)
            return HALF if r >= 1 << (W + 4) else ip(b(31), HALF, r, W + 4)

        def cum(t):
            return HALF + G(t) if t >= 0 else HALF - G(-t)

        def qz(e):
            return ((e > 0) - (e < 0)) * ((abs(e) + near) // step)

        def low(q):
            lo = max(p + q * step - near, 0)
            return 0 if lo == 0 else cum(self.edge[lo] - P)

        def high(q):
            hi = min(p + q * step + near, top)
            return ESC if hi == top else cum(self.edge[hi + 1] - P)

        T = (((self.V + 1) << 15) - 1) // self.R
        if T >= ESC:
            self.narrow(ESC, 32768)
            self.V = (self.V << W) | self.bits.read(W)
            x, self.V = divmod(self.V, self.R)
            q = qz(x - p)
            if x > top or min(max(p + q * step, 0), top) != x or high(q) > low(q):
                raise Reject("escape of a codable sample")
        else:
            q, last = qz(0 - p), qz(top - p)
            while q < last:
                mid = (q + last + 1) // 2
                if low(mid) <= T:
                    q = mid
                else:
                    last = mid - 1
            self.narrow(low(q), high(q))
            x = min(max(p + q * step, 0), top)
        self.m[c] += 1
        if self.m[c] == 4:
            self.m[c] = 0
            s = min(abs(self.centre(x) - P) >> sh, 31)
            t = min(12, (self.n[c] + 1).bit_length())
            for i in range(1, 32):
                D[i] = D[i] + (((16351 << 12) - D[i]) >> t) if i > s else D[i] - (D[i] >> t)
            self.n[c] = min(self.n[c] + 1, 4095)
        return q


def decode_stream(payload, count, width, channels, near=0, arith=False, table=None):
    """``count`` unsigned ``width``-bit samples (5.4; 5.6 if ``arith``; 5.7 if ``near`` ≥ 1)."""
    step = 2 * near + 1
    span = ((1 << width) - 1 + 2 * near) // step + 1  # RANGE
    bits = Bits(payload)
    coder = Arith(bits, width) if arith else Adc(bits, width, table, near) if table else None
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
        if table:
            q = coder.read(k, p, h[0], acc)
            e = ((q + span // 2) % span) - span // 2
            x = min(max(p + q * step, 0), top)
        else:
            u = coder.read(k) if arith else read_codeword(bits, k, width)
            if u > top:
                raise Reject("residual out of range")
            e = u >> 1 if u % 2 == 0 else -((u + 1) >> 1)
        if table:
            pass
        elif near == 0:
            x = (p + e) % (1 << width)
        else:
            if not -(span // 2) <= e <= span - 1 - span // 2:
                raise Reject("residual out of range")
            v = p + e * step
            if v < -near:
                v += span * step
            elif v > top + near:
                v -= span * step
            x = min(max(v, 0), top)
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
    if (arith or table) and coder.V != 0:
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


def decode_core(cur, version):
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
    if flags & ~{1: 7, 2: 15, 3: 31, 4: 31}[version] or flags & 10 == 10:
        raise Reject(f"unknown flags {flags}")
    near = cur.varint() if flags & 4 else 0
    if flags & 4 and (mapping != 1 or not 1 <= near <= 511):
        raise Reject(f"bad near {near}")
    table = read_table(cur, width) if flags & 8 else None
    # 5.9: from version 4 a lossless Rice or arithmetic-coded ADC10 stream is in rank order
    ranked = version >= 4 and mapping == 1 and not flags & 12
    codes = rank_codes(read_table(cur, width), width) if ranked else None
    if flags & 16:
        piece = cur.varint()
        if not (0 < piece <= 1 << 24 and piece % channels == 0 and piece < count):
            raise Reject(f"bad piece size {piece}")
    elif version >= 3 and count > 1 << 24:
        raise Reject("more than 2^24 samples in one piece")
    if flags & 1:
        prefix, suffix = canonical_header(cur.varint(), channels, count), b""
    else:
        prefix = cur.take(cur.varint())
        suffix = cur.take(cur.varint())
    arith = bool(flags & 2)
    crc = cur.take(4)
    if version < 3 and len(prefix) + 2 * count + len(suffix) > 1 << 28:
        raise Reject("output larger than 256 MiB")
    # 2.4: the payload is one piece, or pieces of `piece` samples, each its own stream
    sizes = [count]
    if flags & 16:
        sizes = [min(piece, count - start) for start in range(0, count, piece)]
    values = []
    for size in sizes:
        if flags & 16:
            length = cur.varint()
            if length > 4 * size + 8:
                raise Reject("piece longer than its samples can take")
            payload = cur.take(length)
        else:
            payload = cur.rest()
        if size > (2048 if arith else 32768 if table else 1) * 8 * len(payload):
            raise Reject("count larger than the payload can hold")
        values += decode_stream(payload, size, width, channels, near, arith, table)
    if codes:
        values = [codes[x] for x in values]
    if cur.rest():
        raise Reject("bytes after the last piece")
    body = [ADC_VALUES[c] for c in values] if mapping == 1 else [u - 32768 for u in values]
    samples = b"".join(v.to_bytes(2, "little", signed=True) for v in body)
    return prefix + samples + suffix, crc


def decompress(data):
    """The original file of the compressed ``data``; raises Reject."""
    cur = Cursor(data)
    if cur.take(3) != b"NRC":
        raise Reject("bad magic")
    version = cur.byte()
    if version not in (1, 2, 3, 4):
        raise Reject(f"unsupported version {version}")
    mode = cur.byte()
    if mode == 0:
        original, crc = decode_stored(cur)
    elif mode == 1:
        original, crc = decode_core(cur, version)
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
