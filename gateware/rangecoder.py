"""Range coder: :class:`golden.rangecoder.RangeEncoder`, a symbol and its bypass bits a clock.

The golden encoder narrows the interval, shifts ``low`` left by the normalising shift, then
by the bypass bits while adding ``rest * range``, and moves out a byte whenever 8 bits have
gathered above the ``RANGE_BITS`` window. Its output is the binary expansion of the final
``low``, so the two shifts may be done as one, and the bytes moved out together::

    bottom, top = narrow(range, start, end)               # two multiplies
    range'      = (top - bottom) << s                     # s = normalising_shift(top - bottom)
    X           = ((low + bottom) << (s + bits)) + rest * range'
    fill'       = fill + s + bits                         # p = fill' // 8 bytes move out

The ``p`` bytes (at most ``(7 + 15 + W) // 8``, 4) are X's bits above the new window, and
the bit above them is a carry into the bytes moved out before. ``low + range`` stays below
twice the window (:mod:`golden.rangecoder`), so the carry is one bit, and it reaches back
only through ``0xFF`` bytes to the last byte that is not: the coder keeps that byte
(``cache``) and the count of ``0xFF`` bytes after it (``pending``), as the golden one does.

A clock's ``p`` puts settle, when one is not ``0xFF``, the cached byte with the carry, the
pending bytes (``0xFF``, or ``0x00`` after a carry), and the bytes of this clock before the
last one that is not ``0xFF``; that one is cached, and the ``0xFF`` bytes after it are
pending. So each clock gives at most one :func:`item_layout` item: a head byte, a run of
``pending`` equal bytes, and up to three bytes of its own. The stream's end takes a second
clock: its item is the cached byte, the run and the window's bits, padded to bytes with
zeros (``BitWriter.to_bytes``), with ``last``.

The pending count is :data:`PENDING_BITS` wide: a run of ``2**32`` bytes of ``0xFF`` is the
limit (the golden model has none; a run of ``n`` such bytes has a probability near
``256**-n`` on any signal, as each is a byte of the coded value).
"""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden.rangecoder import INITIAL_RANGE, PROB_BITS, RANGE_BITS

from .arith import interval_layout
from .parameters import check_width

__all__ = ["LATENCY", "PENDING_BITS", "RangeCoder", "item_layout"]

#: Cycles from taking an interval to its item on ``o``; a stream's final item a cycle later.
LATENCY = 1
#: Width of the count of pending ``0xFF`` bytes.
PENDING_BITS = 32
#: Bytes of its own an item carries at most.
OWN_BYTES = 3


def item_layout():
    """What a clock settles: ``head`` (if ``has_head``), ``run`` bytes of ``0x00`` (if
    ``zeros``) or ``0xFF``, then the first ``count`` bytes of ``own``, the first in the
    most significant bits; ``last`` on a stream's final item."""
    return data.StructLayout({
        "has_head": 1,
        "head": 8,
        "run": PENDING_BITS,
        "zeros": 1,
        "own": 8 * OWN_BYTES,
        "count": range(OWN_BYTES + 1),
        "last": 1,
    })


def bit_length(m, value, bits):
    """``value.bit_length()`` for a ``bits``-bit ``value``: a priority encoder."""
    length = Signal(range(bits + 1))
    for b in range(bits):
        with m.If(value[b]):
            m.d.comb += length.eq(b + 1)
    return length


class RangeCoder(wiring.Component):
    """Coding intervals in, the coded stream's bytes out as items, one interval a clock.

    Latency :data:`LATENCY`; the item of a stream's end comes a cycle after the item of its
    last interval, and the input waits that cycle.

    Parameters
    ----------
    width : int
        Sample width ``W``: up to ``W`` bypass bits an interval.

    Members
    -------
    i : In(stream.Signature(interval_layout(width)))
    o : Out(stream.Signature(item_layout()))
    """

    def __init__(self, width):
        check_width(width)
        self._width = width
        super().__init__({
            "i": In(stream.Signature(interval_layout(width))),
            "o": Out(stream.Signature(item_layout())),
        })

    def elaborate(self, platform):
        m = Module()
        width = self._width
        shift_bits = RANGE_BITS - 1 + width  # s + bits, at most
        fill_bits = 7 + shift_bits
        puts = fill_bits // 8  # bytes a clock moves out at most
        assert puts <= 4
        window_bits = RANGE_BITS + 7  # low's window, at most; a carry above it

        # The coder's state: as in golden.rangecoder.RangeEncoder.
        low = Signal(window_bits + 1)
        range_ = Signal(RANGE_BITS, init=INITIAL_RANGE)
        fill = Signal(range(8))
        cache = Signal(8)
        has_cache = Signal()
        pending = Signal(PENDING_BITS)
        ending = Signal()  # the stream's last interval is in: its end is the next item

        enable = Signal()
        m.d.comb += [
            enable.eq(~self.o.valid | self.o.ready),
            self.i.ready.eq(enable & ~ending),
        ]
        take = self.i.valid & self.i.ready

        # Narrowing and normalising.
        p = self.i.p
        bottom = Signal(RANGE_BITS)
        top = Signal(RANGE_BITS + 1)
        m.d.comb += [
            bottom.eq((range_ * p.start) >> PROB_BITS),
            top.eq((range_ * p.end) >> PROB_BITS),
        ]
        narrowed = Signal(RANGE_BITS)
        m.d.comb += narrowed.eq(top - bottom)
        shift = Signal(range(RANGE_BITS + 1))
        m.d.comb += shift.eq(RANGE_BITS - bit_length(m, narrowed, RANGE_BITS))
        new_range = Signal(RANGE_BITS)
        m.d.comb += new_range.eq(narrowed << shift)

        # Both shifts at once, and the bypass value scaled by the new range.
        total = Signal(range(shift_bits + 1))
        m.d.comb += total.eq(shift + p.bits)
        x_bits = window_bits + 2 + shift_bits
        x = Signal(x_bits)
        m.d.comb += x.eq(((low + bottom) << total) + p.rest * new_range)
        new_fill = Signal(range(fill_bits + 1))
        m.d.comb += new_fill.eq(fill + total)
        count = Signal(range(puts + 1))  # bytes put
        m.d.comb += count.eq(new_fill >> 3)
        kept = Signal(3)
        m.d.comb += kept.eq(new_fill[:3])
        # X above the new window: the bytes put, and the carry above them
        above = Signal(8 * puts + 1)
        m.d.comb += above.eq(x >> (RANGE_BITS + kept))
        carry = Signal()
        m.d.comb += carry.eq(above.bit_select(count << 3, 1))
        # the bytes put, the first in the most significant
        put = Signal(8 * puts)
        unused = Signal(range(8 * puts + 1))  # bits of `put` no byte fills
        m.d.comb += [unused.eq(8 * puts - (count << 3)), put.eq(above << unused)]
        byte = [put[8 * (puts - 1 - j):8 * (puts - j)] for j in range(puts)]
        # a put is 0xFF when it is one of this clock's bytes, 0xFF, and (the first) no carry
        settles = Cat(*((j < count) & ((byte[j] != 0xFF) | (carry if j == 0 else 0))
                        for j in range(puts)))
        first = Signal(range(puts))  # the first put that settles, and the last
        final = Signal(range(puts))
        for j in reversed(range(puts)):
            with m.If(settles[j]):
                m.d.comb += first.eq(j)
        for j in range(puts):
            with m.If(settles[j]):
                m.d.comb += final.eq(j)
        own = Signal(8 * OWN_BYTES)  # the bytes from the first that settles, left-aligned
        from_first = (put << (first << 3))[:8 * puts]
        if puts >= OWN_BYTES:
            m.d.comb += own.eq(from_first[8 * (puts - OWN_BYTES):])
        else:
            m.d.comb += own.eq(Cat(Const(0, 8 * (OWN_BYTES - puts)), from_first))

        # The end of the stream, from the state.
        end_carry = low.bit_select(RANGE_BITS + fill, 1)
        window = Signal(window_bits)
        m.d.comb += window.eq(low & ((Const(1, window_bits + 1) << (RANGE_BITS + fill)) - 1))
        padding = Signal(range(9))  # zeros that pad the window's bits to whole bytes
        m.d.comb += padding.eq(8 - fill)

        # a clock that settles no byte gives no item: items come at the rate of bytes, about
        # one every other sample, so that a run spelled out over several clocks is caught up
        with m.If(enable):
            m.d.sync += self.o.valid.eq((take & settles.any()) | ending)
        with m.If(enable & ending):
            m.d.sync += [
                self.o.p.has_head.eq(has_cache),
                self.o.p.head.eq(cache + end_carry),
                self.o.p.run.eq(pending),
                self.o.p.zeros.eq(end_carry),
                # the window's 16 + fill bits, padded with zeros to 3 bytes
                self.o.p.own.eq(window << padding),
                self.o.p.count.eq(Mux(fill == 0, 2, 3)),
                self.o.p.last.eq(1),
                low.eq(0), range_.eq(INITIAL_RANGE), fill.eq(0),
                has_cache.eq(0), pending.eq(0), ending.eq(0),
            ]
        with m.Elif(take):
            m.d.sync += [
                range_.eq(new_range),
                fill.eq(kept),
                low.eq(Mux(count == 0, x, x & ((Const(1, x_bits) << (RANGE_BITS + kept)) - 1))),
                ending.eq(p.last),
                self.o.p.last.eq(0),
            ]
            with m.If(settles.any()):
                m.d.sync += [
                    self.o.p.has_head.eq(has_cache),
                    self.o.p.head.eq(cache + carry),
                    self.o.p.run.eq(pending + first),
                    self.o.p.zeros.eq(carry),
                    self.o.p.own.eq(own),
                    self.o.p.count.eq(final - first),
                    cache.eq(Cat(*byte).word_select(final, 8)),
                    has_cache.eq(1),
                    pending.eq(count - 1 - final),
                ]
            with m.Else():
                m.d.sync += [
                    self.o.p.has_head.eq(0),
                    self.o.p.run.eq(0),
                    self.o.p.count.eq(0),
                    pending.eq(pending + count),
                ]
        return m
