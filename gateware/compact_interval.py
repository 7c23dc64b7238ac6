"""The ASIC encoder of a sample a clock with the ADC-aware back end (coder ``"adc"``).

:class:`~gateware.compact.CompactEncoder`'s front end (:mod:`gateware.compact_front`: the
channels' state, in flip-flops or a row a channel, the weighted sum, the registers as
glitch barriers) with :mod:`golden.interval`'s back end in place of the Rice codeword. A
sample takes four steps, each half a clock, with a register or a falling-edge hold between
them, so that each step's logic sees its inputs change once::

    prediction p = predict(...)                                  # a carry-save tree
    P = clamp(centre(x[n-1]) + correction, 0, top)               # the analog prediction
    ---------- the falling edge: p, P and the sample held
    the bins, positions and signs of edge(x) - P and edge(x + 1) - P, and the update's bin
    of centre(x) - P; the state's successor and k of the next sample
    ---------- the rising edge: the state, k, the read stage (bins, positions, context)
    the context's row: b(i) + i and the interpolation (b(i + 1) - b(i) + 1) x position
    of both reads (two 14 x 6-bit multiplies)
    ---------- the falling edge: those sums and products held
    low = cum(edge(x) - P), high = cum(edge(x + 1) - P); escape if high <= low;
    the context's update (every 4th sample of it)
    ---------- the rising edge: the contexts, the interval register
    range coder: two 16 x 15-bit multiplies, the normalising shift  (gateware.compact_range)

The reads and the update of a sample are a clock after its prediction, in the order of
the samples, so a sample's reads see every earlier sample's update, as in the golden model.

The contexts' rows (:class:`~gateware.compact_model.Contexts`, shared by all channels, as
the golden model's one :class:`golden.interval.Model` is) are 3280 flip-flops, most of the
encoder's; a row loads only when its context updates, so with clock gates (``neurorice
asic --low-power``) it is clocked on a quarter of its samples. docs/ADC.md measures what
each step buys (``neurorice asic --channels 1 --compact --low-power --coder adc``).

A sample is taken whenever the read stage is free or moving on (its interval taken by a
free interval register); the range coder takes an interval a clock but holds one back while
it packs an item of more than 32 bits (a stream's end, or a resolved run of pending bytes
with many own bytes). A stream's last sample resets the channels' state as it is taken and
the contexts as its interval is, so the next sample starts a fresh stream.
"""

from amaranth.hdl import ClockDomain, ClockSignal, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden import adc
from golden import interval as gi
from golden import predictor as gp

from .compact_front import ChannelState, predict, reset_state, residual, rice_k
from .compact_model import Axis, Contexts, located_layout
from .compact_range import CompactRangeCoder
from .packer import word_layout
from .parameters import check_channels, check_width, check_word_width
from .predictor import sample_layout

__all__ = ["CompactIntervalEncoder"]


class CompactIntervalEncoder(wiring.Component):
    """Samples in, :func:`golden.core.encode_stream`'s words (``coder="adc"``) out.

    Parameters
    ----------
    width : int
        Sample width ``W``, 1 to 16.
    channels : int
        Channels interleaved round-robin, 1 to 65535.
    word_width : int
        Bits a word: 32, 40, ... 64, and at least ``16 + W``.
    table : golden.adc.AdcTable or None
        The ADC's code widths; by default :func:`golden.adc.default` of ``width``.
    """

    def __init__(self, width=10, channels=1, word_width=32, table=None):
        check_width(width)
        check_word_width(word_width, width)
        check_channels(channels)
        self.width = width
        self.word_width = word_width
        self.channels = channels
        self.table = adc.default(width) if table is None else table
        self.axis = Axis(self.table, width)
        self.coder = CompactRangeCoder(width, word_width)
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        w = self.width
        m.submodules.coder = coder = self.coder
        wiring.connect(m, coder.o, wiring.flipped(self.o))
        interval = coder.i

        take = Signal()
        started = Signal()  # the first clock's half clock before held no sample
        m.d.sync += started.eq(1)
        last = self.i.p.last

        channel = ChannelState(m, w, self.channels, take, last)
        acc, predicted = predict(m, w, channel.state)
        analog_predicted = self._analog_prediction(m, acc, channel.state.last)
        prediction, sample, analog = self._hold(m, predicted, analog_predicted)
        error = residual(m, w, sample, prediction)
        # k of the next sample, taken with its state (the successor at one channel, the row
        # read ahead at more), so that it is clean from the clock edge on: the contexts'
        # selection and the bins' shift do not see the glitches of its comparators
        first_k = rice_k(w, 1, reset_state(w)["total"])
        k_register = Signal(range(w), init=first_k)
        k = Signal(range(w))
        m.d.comb += k.eq(k_register)

        staged, advance, contexts = self._read_stage(m, interval, started, take, last, sample,
                                                     analog, k)
        self._interval(m, interval, staged, advance, contexts)

        channel.update(m, sample, prediction, self.i.p.sample, error)
        self._next_k(m, channel, take, last, k_register, first_k)
        channel.advance_count(m, take, last)
        return m

    def _analog_prediction(self, m, acc, previous):
        """The analog prediction ``P``: the weighted sum ``acc`` with ``FRACTION_BITS``
        fraction bits on the centre of the previous sample's code, clamped to the axis."""
        drop = gp.WEIGHT_FRAC - adc.FRACTION_BITS
        # the sum holds the rounding of WEIGHT_FRAC; the analog one rounds at drop
        fine = Signal(signed(len(acc) - drop + 1))
        m.d.comb += fine.eq((acc - (1 << (gp.WEIGHT_FRAC - 1)) + (1 << (drop - 1))) >> drop)
        axis = self.axis
        analog_unclamped = Signal(signed(max(axis.bits + 2, len(fine) + 1)))
        m.d.comb += analog_unclamped.eq(axis.value(m, previous, "centre", "previous_centre")
                                        + fine)
        analog_predicted = Signal(axis.bits)
        m.d.comb += analog_predicted.eq(Mux(analog_unclamped < 0, 0,
                                            Mux(analog_unclamped > axis.top, axis.top,
                                                analog_unclamped)))
        return analog_predicted

    def _hold(self, m, predicted, analog_predicted):
        """The prediction, the sample and the analog prediction, held at the falling edge,
        as in :mod:`gateware.compact`: what follows in the clock's second half sees them
        change once."""
        m.domains.fall = ClockDomain("fall", clk_edge="neg", reset_less=True, local=True)
        m.d.comb += ClockSignal("fall").eq(ClockSignal())
        prediction = Signal(self.width)
        sample = Signal(self.width)
        analog = Signal(self.axis.bits)
        m.d.fall += [prediction.eq(predicted), sample.eq(self.i.p.sample),
                     analog.eq(analog_predicted)]
        return prediction, sample, analog

    def _read_stage(self, m, interval, started, take, last, sample, analog, k):
        """The read stage: where the code's edges fall in the bins, the update's bin, what
        an escape takes, registered as the sample is taken; the next clock reads them.

        Drives the input's ``ready`` and ``take``; returns the stage's register, ``advance``
        (the staged sample's interval is registered this clock) and the contexts.
        """
        w, axis, top = self.width, self.axis, (1 << self.width) - 1
        staged = Signal(data.StructLayout({
            "low": located_layout(), "high": located_layout(), "update": 5, "context": 2,
            "first": 1, "top": 1, "sample": w, "last": 1}))
        staged_valid = Signal()
        advance = Signal()
        m.d.comb += [advance.eq(staged_valid & (~interval.valid | interval.ready)),
                     self.i.ready.eq(started & (~staged_valid | advance)),
                     take.eq(self.i.valid & self.i.ready)]
        contexts = Contexts(m, w, staged.context, k)
        # the code's edges and centre from the sample on the input, settled before the
        # falling edge brings the analog prediction
        edge = axis.value(m, self.i.p.sample, "edge", "edge")
        following = axis.value(m, self.i.p.sample, "next", "next_edge")
        centre = axis.value(m, self.i.p.sample, "centre", "centre")
        offset_low = Signal(signed(axis.bits + 2))
        offset_high = Signal(signed(axis.bits + 2))
        m.d.comb += [offset_low.eq(edge - analog), offset_high.eq(following - analog)]
        distance = Signal(axis.bits + 1)
        m.d.comb += distance.eq(Mux(centre > analog, centre - analog, analog - centre))
        with m.If(take):
            m.d.sync += [staged_valid.eq(1),
                         staged.low.eq(contexts.locate(m, offset_low, "cum_low")),
                         staged.high.eq(contexts.locate(m, offset_high, "cum_high")),
                         staged.update.eq(contexts.bin_of(m, distance)),
                         staged.context.eq(Mux(k > gi.CONTEXTS - 1, gi.CONTEXTS - 1, k)),
                         staged.first.eq(sample == 0), staged.top.eq(sample == top),
                         staged.sample.eq(sample), staged.last.eq(last)]
        with m.Elif(advance):
            m.d.sync += staged_valid.eq(0)
        return staged, advance, contexts

    def _interval(self, m, interval, staged, advance, contexts):
        """The interval (:meth:`golden.interval.Model.interval`) of the staged sample into
        the range coder, and its context's update."""
        low = Signal(15)
        high = Signal(15)
        m.d.comb += [
            low.eq(Mux(staged.first, 0, contexts.cumulative(m, staged.low, "cum_low", "fall"))),
            high.eq(Mux(staged.top, gi.ESCAPE,
                        contexts.cumulative(m, staged.high, "cum_high", "fall")))]
        escape = Signal()
        m.d.comb += escape.eq(high <= low)
        contexts.update(m, advance, staged.last, staged.update)
        with m.If(advance):
            m.d.sync += [interval.valid.eq(1),
                         interval.p.start.eq(Mux(escape, gi.ESCAPE, low)),
                         interval.p.end.eq(high), interval.p.escape.eq(escape),
                         interval.p.value.eq(Mux(escape, staged.sample, 0)),
                         interval.p.last.eq(staged.last)]
        with m.Elif(interval.ready):
            m.d.sync += interval.valid.eq(0)

    def _next_k(self, m, channel, take, last, k_register, first_k):
        """Take into ``k_register`` the ``k`` of the next sample, as this one is taken:
        ``first_k`` at a stream's start."""
        w = self.width
        if self.channels == 1:
            with m.If(take):
                m.d.sync += k_register.eq(Mux(last, first_k, rice_k(
                    w, channel.grown_count, channel.successor.total)))
        else:
            # the next channel's: a fresh stream's, or of its row with the round's count
            fresh = last | (channel.first_round & ~channel.round_ends)
            with m.If(take):
                m.d.sync += k_register.eq(Mux(fresh, first_k, rice_k(
                    w, Mux(channel.round_ends, channel.grown_count, channel.count),
                    channel.row.total)))
