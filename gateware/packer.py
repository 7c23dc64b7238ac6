"""Bit packer: codewords MSB first into words, as :class:`golden.bits.BitWriter` does.

Three register stages (so a latency of 3 cycles) of about one carry chain or three LUT
levels each: alone on an iCE40 UP5K, ``BitPacker(10, 32)`` runs at about 80 MHz, where a
single stage doing it all reached 26 MHz.

*Place* (into stage 0). The only loop over codewords is the position ``pos`` of the next
codeword in the pending word: ``end = pos + length`` (one short adder), and ``pos`` becomes
``end``, less a word if the codeword completes the pending word (``cross``). Words being
multiples of 8 bits, a word less changes ``end // 8`` only; for words of a power of two
bits the adder's sum is the next position as it is, otherwise one LUT after the adder
gives it. Beside the loop, feed-forward, the codeword's bits are masked to ``length``.

*Shift* (stage 0 to 1). The codeword moves left by ``7 - end % 8`` (three levels of 2:1
multiplexers), and ``end // 8`` is decoded one-hot.

*Merge* (stage 1 to the output). The coarse shift, by whole bytes (an AND-OR of the one-hot
steps), places the codeword in a window of two words that starts with the pending word and
in which the codeword ends at ``end``. The window's first word ORed into the pending word is
the output word, complete when the codeword crosses into the second word; the second word
then becomes the pending word.

The end of a stream (``BitWriter.flush``) pads the pending word with the zeros already below
the codeword, at no cost in cycles, and the next stream starts on a fresh word. When the
last codeword of a stream spills into a second word, both words are complete in the same
cycle: the second stays in the pending register, and ``pos`` becomes a whole word
(``full``), so that the next codeword lands in the window's second word while the spilled
word goes out as the window's first; one word a clock, as ever. Without a next codeword the
stages advance all the same, and a bubble takes the spilled word out. For one more LUT level
in the loop, the adder would tell a spill (``end > word``) from a stream ending on the word
boundary (``end == word``); so both set ``full``, and stage 1, which can tell, brings the
item after one that left an empty pending word back by a word (``hollow``).

All stages advance together, bubbles included, when the output register is free or being
taken: the input is refused only under backpressure on the output, never across stream ends.

After a reset the stages' data registers hold anything: of the two items that follow, the
second ends a stream as far as the merge is concerned, which clears the pending word, and
neither emits a word (``ghost``). Only these flags and the loop are reset, so that most
registers load on the one-LUT ``enable`` alone (a reset register loads on ``enable | rst``).
"""

from functools import reduce
from operator import or_

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden.rice import max_codeword_bits

from .parameters import check_width, check_word_width
from .rice import codeword_layout

__all__ = ["LATENCY", "BitPacker", "word_layout"]

#: Cycles from taking a codeword to presenting on ``o`` the word it completes, without
#: backpressure; the second word of a stream's last codeword, and the words completed while
#: it waits, come a cycle later.
LATENCY = 3

STEP = 8  # the coarse shift's step; every word width is a multiple of it


def word_layout(word_width):
    """A packed word, and whether it is the last of its stream."""
    return data.StructLayout({"word": word_width, "last": 1})


class BitPacker(wiring.Component):
    """Pack codewords, most significant bit first, into ``word_width``-bit words.

    Latency :data:`LATENCY` (3) cycles: without backpressure, a word is on ``o`` 3 cycles
    after the codeword that completes it is taken. When the last codeword of a stream spills
    into a second word, that word comes a cycle after the first (4 cycles after the
    codeword), and so does each word of the next stream completed while it waits, until a
    codeword completes no word: words come out in order, each 3 cycles after its codeword or
    a cycle after the word before it, whichever is later. 4 is the worst case. A cycle in
    which the output holds a word that is not taken delays everything in the packer by one.
    Throughput one codeword a clock; the input is refused only while the output holds a word
    that is not being taken.

    Parameters
    ----------
    width : int
        Sample width ``W``; codewords are :func:`~gateware.rice.codeword_layout` ``(W)``.
    word_width : int
        Bits a word: 8, 16, ... 64, and at least :func:`golden.rice.max_codeword_bits`
        ``(W)``.

    Members
    -------
    i : In(stream.Signature(codeword_layout(width)))
        Codewords: the ``length`` low bits of ``bits``; ``last`` ends a stream.
    o : Out(stream.Signature(word_layout(word_width)))
        Words; ``last`` on the final, zero-padded, word of a stream. As from ``BitWriter``,
        a stream has no words if it has no bits.
    """

    def __init__(self, width, word_width=32):
        check_width(width)
        check_word_width(word_width, width)
        self._width = width
        self._word_width = word_width
        super().__init__({
            "i": In(stream.Signature(codeword_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        width, word = self._width, self._word_width
        longest = max_codeword_bits(width)
        steps_a_word = word // STEP
        steps = (word + longest) // STEP + 1  # values of end // STEP
        span = width + STEP - 1  # the codeword after the fine shift

        enable = Signal()  # every stage advances
        m.d.comb += [
            enable.eq(~self.o.valid | self.o.ready),
            self.i.ready.eq(enable),
        ]
        take = self.i.valid & enable
        length = self.i.p.length

        # --- Place ----------------------------------------------------------------------------
        pos = Signal(range(word + 1))  # a whole word when `full`
        full = Signal()  # the pending word is complete: the next codeword starts a word later
        end = Signal(range(word + longest + 1))
        m.d.comb += end.eq(pos + length)
        cross = Signal()  # the codeword completes the pending word
        following = Signal.like(pos)  # the next codeword's position, after a codeword not last
        whole = Signal()  # end == 2 * word: `following` is a whole word
        if word & (word - 1) == 0:
            # A power of two: the bits of `end` are all the loop needs, the adder's sum as it
            # is; `end` is at most two words.
            k = word.bit_length() - 1
            m.d.comb += [
                cross.eq(end[k:] != 0),
                whole.eq(end[k + 1:] != 0),
                following.eq(Cat(end[:k], whole)),
            ]
        else:
            # Otherwise by lookup of `end // STEP`, one LUT after the adder: a comparison or a
            # subtraction would be another carry chain.
            rest = Signal(range(steps_a_word + 1))  # (end - word if cross else end) // STEP
            with m.Switch(end[3:]):
                for q in range(steps):
                    with m.Case(q):
                        m.d.comb += [
                            cross.eq(q >= steps_a_word),
                            rest.eq(q - steps_a_word if q >= steps_a_word else q),
                            whole.eq(q == 2 * steps_a_word),
                        ]
            m.d.comb += following.eq(Cat(end[:3], rest))
        with m.If(take):
            with m.If(self.i.p.last):
                # The next stream starts on the next word; a word later if this one spills.
                m.d.sync += [pos.eq(Mux(cross, word, 0)), full.eq(cross)]
            with m.Else():
                m.d.sync += [pos.eq(following), full.eq(whole)]
        with m.Elif(enable & full):
            # A bubble takes the complete pending word out.
            m.d.sync += [pos.eq(0), full.eq(0)]

        # The `length` low bits of `bits`: `length` has at least 5 bits, and `bits` at most 16.
        keep = Cat((length[4:] != 0) | (length[:4] > j) for j in range(width))

        # Stage 0: the adder's sum as it is, and the masked codeword; a bubble has no bits.
        bits_0 = Signal(width, reset_less=True)
        end_0 = Signal.like(end, reset_less=True)
        valid_0 = Signal()
        flush_0 = Signal()  # a bubble that takes out a complete pending word
        last_0 = Signal(init=1)
        ghost_0 = Signal(init=1)
        with m.If(enable):
            m.d.sync += [
                bits_0.eq(Mux(self.i.valid, self.i.p.bits & keep, 0)),
                # (a bubble's payload may be anything, even X in a simulation, and `end`
                # sets a shift: a bubble's is 0, so that its no bits stay no bits)
                end_0.eq(Mux(self.i.valid, end, 0)),
                valid_0.eq(self.i.valid),
                flush_0.eq(~self.i.valid & full),
                last_0.eq(self.i.valid & self.i.p.last),
                ghost_0.eq(0),
            ]

        # --- Shift: stage 1 -------------------------------------------------------------------
        # The codeword's last bit at STEP - 1 - end % STEP, so that the coarse shift moves
        # it by whole steps; beside it, end // STEP one-hot for the coarse shift.
        bits_1 = Signal(span, reset_less=True)
        step_1 = Signal(steps, reset_less=True)
        edge_1 = Signal(reset_less=True)  # end % STEP == 0
        cross_1 = Signal()
        last_1 = Signal()
        ghost_1 = Signal(init=1)
        # A stream that ended on a word boundary left the position a word ahead with nothing
        # in the pending word: the item after it comes back by a word here, as if it started
        # the window.
        hollow = Signal()
        one_hot = Const(1, steps + steps_a_word) << end_0[3:]
        with m.If(enable):
            m.d.sync += [
                bits_1.eq((bits_0 << (STEP - 1)) >> end_0[:3]),
                step_1.eq(Mux(hollow, one_hot >> steps_a_word, one_hot)),
                edge_1.eq(end_0[:3] == 0),
                cross_1.eq((flush_0 & ~hollow) |
                           (valid_0 & Mux(hollow, end_0 == 2 * word, end_0 >= word))),
                last_1.eq(last_0),
                ghost_1.eq(ghost_0),
                # The loop sets `full` after a last codeword that reaches the end of the word
                # (any last one, when brought back) and after one that ends two words on. The
                # pending word is then empty, unless the codeword spilled or, not brought
                # back, filled the second word.
                hollow.eq(valid_0 & Mux(hollow, last_0 | (end_0 == 2 * word),
                                        last_0 & (end_0 == word))),
            ]

        # --- Merge: the output register -------------------------------------------------------
        # The codeword in the two-word window ends `end` bits after the window's start, so
        # its bits sit at 2 * word - end and up: bits_1 moved left by 2 * word - 7 - 8 * q.
        def placed(q):
            amount = 2 * word - (STEP - 1) - STEP * q
            return bits_1 << amount if amount >= 0 else bits_1 >> -amount

        window = Signal(2 * word)
        m.d.comb += window.eq(reduce(or_, (
            step_1[q].replicate(2 * word) & placed(q) for q in range(steps))))
        first, second = window[word:], window[:word]

        pending = Signal(word, reset_less=True)  # zero from the position of the next codeword
        pending_last = Signal()  # the pending word is a stream's spilled last word
        merged = pending | first
        on_boundary = step_1[steps_a_word] & edge_1  # end == word
        spill = last_1 & cross_1 & ~on_boundary
        # A last codeword of no bits at the start of a word flushes nothing, as in BitWriter.
        empty = step_1[0] & edge_1
        out_word = Signal(word, reset_less=True)
        out_last = Signal(reset_less=True)
        with m.If(enable):
            m.d.sync += [
                pending.eq(Mux(cross_1, second, Mux(last_1, 0, merged))),
                pending_last.eq(spill),
                self.o.valid.eq((cross_1 | (last_1 & ~empty)) & ~ghost_1),
                out_word.eq(merged),
                out_last.eq(pending_last | (last_1 & ~spill)),
            ]
        m.d.comb += [self.o.p.word.eq(out_word), self.o.p.last.eq(out_last)]
        return m
