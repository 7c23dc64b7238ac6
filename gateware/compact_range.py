"""The compact ASIC encoder's range coder and packer: an interval a clock into words.

:class:`golden.rangecoder.RangeEncoder` and :class:`golden.bits.BitWriter` for
:class:`~gateware.compact_interval.CompactIntervalEncoder`, in three steps, with a falling-edge
hold and a register between them as barriers to the glitches of the multipliers and of the
normalising shift::

    bottom, top = narrow(range, start, end)        # two 16 x 15-bit multiplies
    ---------- the falling edge: bottom and top held
    range'      = (top - bottom) << s              # s = normalising_shift(top - bottom)
    X           = ((low + bottom) << (s + b)) + value * range'   # b bypass bits, an escape's
    fill'       = fill + s + b                     # fill' // 8 bytes move out, a carry above
    ---------- the settle register: X and fill' (range, low and fill loaded)
    the bytes that leave, the last that is not 0xFF, the cached byte and the pending count
    ---------- the item register: the bytes this interval settles, and their place
    words      <- head byte, run of pending bytes, own bits, at most 32 bits a clock

The output is the binary expansion of the final ``low`` (:mod:`golden.rangecoder`), so the
normalising shift and an escape's bypass bits are one shift, and the bytes that leave the
window leave together. ``X`` is taken left-justified (its top, the carry, at a fixed bit),
so each byte that moves out is at a fixed place. As in the golden model, the last byte
that a carry can still change is kept (``cache``) with a count of ``0xFF`` bytes after it
(``pending``): an interval whose bytes are not all ``0xFF`` settles the cached byte plus the
carry (the item's head), the pending bytes (``0xFF``, ``0x00`` after a carry; the run),
and its bytes before the last that is not ``0xFF`` (its own bits); that byte is cached.
A stream's last interval settles everything: the window's bits follow its bytes
(:meth:`golden.rangecoder.RangeEncoder.finish`), then the packer pads the word.

An item of at most four bytes, the usual one, is packed in one clock; a longer one (a
pending run with many own bytes, or the stream's end with its window) takes 32 bits a clock
and holds the next interval back meanwhile.

The pending count is :data:`PENDING_BITS` wide, and not guarded: a run of more than
``2**16 - 1`` bytes ``0xFF`` that no carry or other byte has resolved wraps the count
(modulo ``2**16``), so the run written out is short by a multiple of ``2**16`` bytes and
the words differ from the golden model's from there to the stream's end (whose last
interval resets the coder; the next stream is right again). Each pending byte is a byte
``0xFF`` of the coded value, about ``1/256`` likely on coded data, so such a run is about
``2**-524288`` likely; staying bit-exact beyond it takes a wider count (a bit doubles the
bound), not a saturating one.

The narrowing's products are held at the clock's falling edge, a barrier to the
multipliers' glitches: the rest of the step (the normalising shift, ``X``, the bytes)
sees them change once a clock, and the state and the item still load at the rising edge,
as before (at one channel of the adc encoder, 15.0 to 12.7 µW: docs/ADC.md, "What each
choice buys").

The bytes are found a clock after the narrowing, from the settle register, so that their
logic sees ``X`` change once a clock, not with the ripple of the normalising shift and the
sum (at one channel of the adc encoder, 7.21 to 6.84 µW on a 96-cycle window: docs/ADC.md);
only ``low``'s window stays in the loop.

Latency: a word leaves three clocks after the interval that completes it; throughput: an
interval a clock but for long items.
"""

from amaranth.hdl import Cat, ClockDomain, ClockSignal, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden.rangecoder import INITIAL_RANGE, PROB_BITS, RANGE_BITS

from .packer import word_layout

__all__ = ["CHUNK_BITS", "PENDING_BITS", "CompactRangeCoder", "interval_layout"]

#: Width of the count of pending ``0xFF`` bytes.
PENDING_BITS = 16
#: Bits the packer takes a clock.
CHUNK_BITS = 32


def interval_layout(width):
    """A sample's coding interval ``start .. end`` of ``2**PROB_BITS``; an escape codes
    ``start .. 2**PROB_BITS`` and ``value`` in ``width`` bypass bits (``value`` is 0 otherwise);
    ``last`` ends the stream."""
    return data.StructLayout({"start": PROB_BITS, "end": PROB_BITS, "escape": 1,
                              "value": width, "last": 1})


def _bit_length(m, value, name):
    """A signal of ``value``'s bit length."""
    length = Signal(range(len(value) + 1), name=name)
    chain = Const(0, len(length))
    for j in range(len(value)):
        chain = Mux(value[j], j + 1, chain)
    m.d.comb += length.eq(chain)
    return length


class CompactRangeCoder(wiring.Component):
    """Intervals in, :class:`golden.bits.BitWriter`'s words of the range-coded stream out.

    Parameters
    ----------
    width : int
        Sample width ``W``: an escape's bypass bits.
    word_width : int
        Bits a word: 32 to 64, a multiple of 8.

    Members
    -------
    i : In(stream.Signature(interval_layout(W)))
    o : Out(stream.Signature(word_layout(word_width)))
    """

    def __init__(self, width, word_width=32):
        if word_width < CHUNK_BITS or word_width > 64 or word_width % 8:
            raise ValueError(f"word width must be 32, 40, ... 64 bits, not {word_width!r}")
        self.width = width
        self.word_width = word_width
        #: Most bits ``fill'`` reaches: 7 left over, 15 of a narrowing, ``W`` bypass bits.
        self.max_fill = 7 + PROB_BITS + width
        #: Bits of ``X`` below its carry, left-justified: the window and the bytes.
        self.own_bits = RANGE_BITS + self.max_fill
        self.max_bytes = self.max_fill // 8
        super().__init__({
            "i": In(stream.Signature(interval_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        w, ww, own_bits = self.width, self.word_width, self.own_bits
        low_bits = RANGE_BITS + 8  # the window, up to 7 bits beyond it, and a carry

        # The coder's state (golden.rangecoder.RangeEncoder).
        range_ = Signal(RANGE_BITS, init=INITIAL_RANGE)
        low = Signal(low_bits)
        fill = Signal(3)
        cache = Signal(8)
        cached = Signal()
        pending = Signal(PENDING_BITS)

        # Narrow (golden.rangecoder.narrow); an escape's end is the whole 2**PROB_BITS.
        p = self.i.p
        # The narrowing's products settle in the clock's first half and are held at its
        # falling edge, a barrier to their glitches: the rest sees them change once.
        m.domains.narrow = ClockDomain("narrow", clk_edge="neg", reset_less=True, local=True)
        m.d.comb += ClockSignal("narrow").eq(ClockSignal())
        bottom = Signal(RANGE_BITS)
        top = Signal(RANGE_BITS)
        m.d.narrow += [bottom.eq((range_ * p.start) >> PROB_BITS),
                       top.eq(Mux(p.escape, range_, (range_ * p.end) >> PROB_BITS))]
        narrowed = Signal(RANGE_BITS)
        m.d.comb += narrowed.eq(top - bottom)
        shift = Signal(range(RANGE_BITS))
        m.d.comb += shift.eq(RANGE_BITS - _bit_length(m, narrowed, "narrowed_bits"))
        renormed = Signal(RANGE_BITS)
        m.d.comb += renormed.eq(narrowed << shift)
        moved = Signal(range(self.max_fill - 7 + 1))
        m.d.comb += moved.eq(shift + Mux(p.escape, w, 0))
        total = Signal(RANGE_BITS + 1 + self.max_fill + 1)  # X: below 2**(17 + fill')
        m.d.comb += total.eq(((low + bottom) << moved) + p.value * renormed)
        new_fill = Signal(range(self.max_fill + 1))
        m.d.comb += new_fill.eq(fill + moved)
        window = Signal(low_bits)
        mask = Mux((new_fill >> 3) == 0, (1 << low_bits) - 1,
                   (Const(1, low_bits + 1) << (RANGE_BITS + new_fill[:3])) - 1)
        m.d.comb += window.eq(total[:low_bits] & mask)

        # The settle register: X and fill', taken with the interval; the bytes that leave
        # are found the next clock, from values that change once, at the clock edge.
        settle = Signal(data.StructLayout({"total": len(total), "fill": len(new_fill),
                                           "last": 1}))
        settle_valid = Signal()
        settling_now = Signal()  # the settle register's item is registered this clock
        item_valid = Signal()
        ends = Signal()  # the item's last chunk is packed this clock
        pack = Signal()
        m.d.comb += [settling_now.eq(settle_valid & (~item_valid | (pack & ends))),
                     self.i.ready.eq(~settle_valid | settling_now)]
        with m.If(self.i.valid & self.i.ready):
            m.d.sync += [settle_valid.eq(1), settle.total.eq(total), settle.fill.eq(new_fill),
                         settle.last.eq(p.last)]
            with m.If(p.last):
                m.d.sync += [range_.eq(INITIAL_RANGE), low.eq(0), fill.eq(0)]
            with m.Else():
                m.d.sync += [range_.eq(renormed), low.eq(window), fill.eq(new_fill[:3])]
        with m.Elif(settling_now):
            m.d.sync += settle_valid.eq(0)

        moving = Signal(range(self.max_bytes + 1))  # bytes that leave the window
        m.d.comb += moving.eq(settle.fill >> 3)
        justify = Signal(range(self.max_fill + 1))
        m.d.comb += justify.eq(self.max_fill - settle.fill)
        justified = Signal(own_bits + 1)  # X with its carry at bit own_bits
        m.d.comb += justified.eq(settle.total << justify)
        carry = justified[own_bits]
        moved_bytes = [justified[own_bits - 8 * j:own_bits - 8 * j + 8]
                       for j in range(1, self.max_bytes + 1)]
        # The last byte that leaves and is not 0xFF (with the carry, the first never is).
        found = Const(0)
        last_set = Const(0, range(self.max_bytes + 1))
        for j, byte in enumerate(moved_bytes, 1):
            settles = (j <= moving) & ((byte != 0xFF) | (carry if j == 1 else 0))
            found = found | settles
            last_set = Mux(settles, j, last_set)
        settles_any = Signal()
        settling = Signal(range(self.max_bytes + 1))
        m.d.comb += [settles_any.eq(found), settling.eq(last_set)]
        newly_cached = Signal(8)
        m.d.comb += newly_cached.eq(Cat(Const(0, 8), *moved_bytes).word_select(settling, 8))

        # The item register: what this interval settles.
        item = Signal(data.StructLayout({
            "head": 8, "has_head": 1, "run": PENDING_BITS, "zeros": 1,
            "own": own_bits, "own_length": range(own_bits + 1), "last": 1}))
        with m.If(settling_now):
            emits = settle.last | settles_any
            m.d.sync += [
                item_valid.eq(emits),
                item.head.eq(cache + carry), item.has_head.eq(cached & emits),
                item.run.eq(Mux(emits, pending, 0)), item.zeros.eq(carry),
                item.own.eq(justified[:own_bits]),
                item.own_length.eq(Mux(settle.last, RANGE_BITS + settle.fill,
                                       Mux(settles_any, (settling - 1) << 3, 0))),
                item.last.eq(settle.last)]
            with m.If(settle.last):
                m.d.sync += [cached.eq(0), pending.eq(0)]
            with m.Elif(settles_any):
                m.d.sync += [cache.eq(newly_cached), cached.eq(1),
                             pending.eq(moving - settling)]
            with m.Else():
                m.d.sync += pending.eq(pending + moving)
        with m.Elif(pack & ends):
            m.d.sync += item_valid.eq(0)

        # A chunk of the item a clock: its head, then pending bytes, then its own bits.
        has_head = item.has_head
        room = Signal(3)
        m.d.comb += room.eq(Mux(has_head, 3, 4))
        run = Signal(3)
        m.d.comb += run.eq(Mux(item.run < room, item.run, room))
        room_bits = Signal(range(CHUNK_BITS + 1))
        m.d.comb += room_bits.eq(CHUNK_BITS - ((has_head + run) << 3))
        own = Signal(range(own_bits + 1))
        m.d.comb += own.eq(Mux(item.own_length < room_bits, item.own_length, room_bits))
        run_bytes = Mux(item.zeros, 0, (Const(1, CHUNK_BITS + 1) << (run << 3)) - 1)
        front = Signal(CHUNK_BITS)
        m.d.comb += front.eq(((item.head & has_head.replicate(8)) << (run << 3)) | run_bytes)
        value = Signal(CHUNK_BITS)
        unused = Signal(range(own_bits + 1))
        m.d.comb += unused.eq(own_bits - own)
        m.d.comb += value.eq((front << own) | (item.own >> unused))
        length = Signal(range(CHUNK_BITS + 1))
        m.d.comb += length.eq(((has_head + run) << 3) + own)
        m.d.comb += ends.eq((item.run == run) & (item.own_length == own))
        with m.If(pack & ~ends):
            m.d.sync += [item.has_head.eq(0), item.run.eq(item.run - run),
                         item.own.eq(item.own << own), item.own_length.eq(item.own_length - own)]
        last = item.last & ends

        # Pack (golden.bits.BitWriter): the unfinished word and the chunk, joined.
        free = ~self.o.valid | self.o.ready
        spilling = Signal()  # a stream's final word waits for the word before it to leave
        m.d.comb += pack.eq(item_valid & free & ~spilling)
        partial = Signal(ww - 1)
        fill_bits = Signal(range(ww))
        spill = Signal(ww)
        joined = Signal(ww - 1 + CHUNK_BITS)
        m.d.comb += joined.eq((partial << length) | value)
        end = Signal(range(ww + CHUNK_BITS))
        m.d.comb += end.eq(fill_bits + length)
        full = end >= ww
        rest = Signal(range(ww))
        m.d.comb += rest.eq(Mux(full, end - ww, end))
        word = Signal(ww)
        m.d.comb += word.eq(joined >> rest)
        remainder = Signal(ww - 1)
        m.d.comb += remainder.eq(joined & ((Const(1, ww + CHUNK_BITS) << rest) - 1))
        pad = Signal(range(ww + 1))
        m.d.comb += pad.eq(ww - rest)
        padded = Signal(ww)
        m.d.comb += padded.eq(remainder << pad)

        with m.If(self.o.valid & self.o.ready):
            m.d.sync += self.o.valid.eq(0)
        with m.If(spilling & free):
            m.d.sync += [self.o.p.word.eq(spill), self.o.p.last.eq(1), self.o.valid.eq(1),
                         spilling.eq(0)]
        with m.If(pack):
            with m.If(full):
                m.d.sync += [self.o.p.word.eq(word), self.o.p.last.eq(last & (rest == 0)),
                             self.o.valid.eq(1)]
                with m.If(last & (rest != 0)):
                    m.d.sync += [spill.eq(padded), spilling.eq(1)]
            with m.Elif(last):
                m.d.sync += [self.o.p.word.eq(padded), self.o.p.last.eq(1), self.o.valid.eq(1)]
            m.d.sync += [partial.eq(Mux(last, 0, remainder)), fill_bits.eq(Mux(last, 0, rest))]
        return m
