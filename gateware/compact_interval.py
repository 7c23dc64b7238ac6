"""The ASIC encoder of a sample a clock with the ADC-aware back end (coder ``"adc"``).

:class:`~gateware.compact.CompactEncoder`'s front end (the channels' state, in flip-flops
or a row a channel, the weighted sum, the registers as glitch barriers) with
:mod:`golden.interval`'s back end in place of the Rice codeword. A sample takes four
steps, each half a clock, with a register or a falling-edge hold between them, so that
each step's logic sees its inputs change once::

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
asic --low-power``) it is clocked on a quarter of its samples.

Power at one channel (``neurorice asic --channels 1 --compact --low-power --coder adc
--samples-per-channel 64``, SKY130 gate level, words = golden at zero and unit delay), in
the order the steps were made: 25.5 µW at first (glitches 21.3 µW, 16 times the zero-delay
toggles; by block the model and the contexts 20.1 µW, the range coder 3.42 µW; 46,131
cells, 3,779 flip-flops). The context update from the selected row ungated, both
candidates of every entry from one shifter, the bin only selecting (its operands had been
AND-gated to zero but on an update, so they jumped to the row and back; see
:mod:`gateware.compact_model`): 17.5 µW (glitches 14.6; the model 12.7, the range coder
3.08; 40,383 cells). ``k`` of the next sample registered with the state (one channel), so
that the contexts' selection and the bins' shift change once, at the clock edge, not with
the glitches of ``k``'s comparators: 15.0 µW (glitches 12.1; the model 10.2, the range
coder 2.82). The range coder's narrowing products held at the falling edge
(:mod:`gateware.compact_range`): 12.7 µW (glitches 9.73; the model 8.59, the range coder
2.26; 40,820 cells, 3,815 flip-flops). The reads' bins, positions and signs and the
update's bin computed from P in the clock's first half and held at the falling edge in
place of P: 9.50 µW (glitches 6.49; the model 5.03, the range coder 2.30, the predictor
1.12; 40,051 cells, 3,832 flip-flops).

Then, each measured alone on a shorter window (the flow's zero- and unit-delay runs of 96
cycles after 32, with the energy of each register's input logic; unit-delay power without
leakage and clock tree): 9.04 µW for the design above. P held at the falling edge and the
bins located from it in the second half, registered with the state, the reads and the
update a clock later (the bins' logic had seen P's glitches, from the weighted sum): 7.80
µW. The reads' lower bound plus bin and interpolation held at the falling edge (a barrier
between the read and multiply and the sums, the escape test and the interval register):
7.21 µW. The range coder's bytes found a clock after the narrowing
(:mod:`gateware.compact_range`): 6.84 µW (40,205 cells). ``k`` taken with the row read
ahead at more than one channel, as at one, where it had come from the state memory's read
through its comparators. With all of these, on the flow's full window (``neurorice asic
--channels 1 --compact --low-power --coder rice adc --samples-per-channel 64``): 7.38 µW
(glitches 4.26; the model 3.42, the range coder 1.91, the predictor 0.848; 40,205 cells,
3,975 flip-flops) against Rice's 1.56 µW. At 1024 channels (``--channels 1024
--samples-per-channel 1 --power-cycles 1024 --warmup 2048``, one run each): 14.5 mW before
these four steps (the logic 13.5 mW besides the memory), 9.64 mW after (the logic 7.76
mW, glitches 4.39 mW), against Rice's 4.15 mW in the same run (docs/ADC.md).

A sample is taken whenever the read stage is free or moving on (its interval taken by a
free interval register); the range coder takes an interval a clock but holds one back while
it packs an item of more than 32 bits (a stream's end, or a resolved run of pending bytes
with many own bytes). A stream's last sample resets the channels' state as it is taken and
the contexts as its interval is, so the next sample starts a fresh stream.
"""

from amaranth.hdl import ClockDomain, ClockSignal, Const, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from golden import adc
from golden import interval as gi
from golden import predictor as gp
from golden import rice as gr

from .compact import COUNT_BITS, _sign_magnitude, reset_state, state_layout
from .compact_model import Axis, Contexts, located_layout
from .compact_range import CompactRangeCoder
from .packer import word_layout
from .parameters import check_channels, check_width, check_word_width
from .predictor import sample_layout
from .weighted_sum import WeightedSum

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
        top = (1 << w) - 1
        layout = state_layout(w)
        reset = layout.const(reset_state(w))
        m.submodules.coder = coder = self.coder
        wiring.connect(m, coder.o, wiring.flipped(self.o))
        interval = coder.i

        take = Signal()
        started = Signal()  # the first clock's half clock before held no sample
        m.d.sync += started.eq(1)
        last = self.i.p.last

        # The channel's state (gateware.compact), in flip-flops or a row a channel.
        state = Signal(layout)
        successor = Signal(layout)
        count = Signal(COUNT_BITS, init=1)
        if self.channels == 1:
            register = Signal(layout, init=reset_state(w))
            m.d.comb += state.eq(register)
            with m.If(take):
                m.d.sync += register.eq(Mux(last, reset, successor))
            round_ends = Const(1)
        else:
            m.submodules.rows = rows = Memory(shape=layout, depth=self.channels, init=[])
            read = rows.read_port(domain="comb")
            write = rows.write_port()
            channel = Signal(range(self.channels))
            first_round = Signal(init=1)
            round_ends = channel == self.channels - 1
            written = Signal(layout)
            written_channel = Signal(range(self.channels))
            writing = Signal()
            m.d.sync += writing.eq(take)
            with m.If(take):
                m.d.sync += [written.eq(successor), written_channel.eq(channel)]
            m.d.comb += [write.addr.eq(written_channel), write.data.eq(written),
                         write.en.eq(writing)]
            fetched = Signal(layout, reset_less=True)
            upcoming = Signal(range(self.channels))
            m.d.comb += [upcoming.eq(Mux(round_ends, 0, channel + 1)), read.addr.eq(upcoming),
                         state.eq(Mux(first_round, reset, fetched))]
            row = read.data
            if self.channels == 2:
                row = layout(Mux(writing & (written_channel == upcoming), written, read.data))
            with m.If(take):
                m.d.sync += fetched.eq(row)
                with m.If(last):
                    m.d.sync += [channel.eq(0), first_round.eq(1)]
                with m.Elif(round_ends):
                    m.d.sync += [channel.eq(0), first_round.eq(0)]
                with m.Else():
                    m.d.sync += channel.eq(channel + 1)
        previous, averages, weights = state.last, state.averages, state.weights

        # Predict: the integer prediction and, with FRACTION_BITS more, the analog one.
        acc = Signal(signed(gp.WEIGHT_BITS + w + 4))
        m.submodules.weighted_sum = weighted_sum = WeightedSum(w, len(acc))
        m.d.comb += [weighted_sum.weights.eq(weights), weighted_sum.features.eq(state.features),
                     acc.eq(weighted_sum.sum)]
        unclamped = Signal(signed(w + gp.WEIGHT_BITS + 5))
        m.d.comb += unclamped.eq(previous + (acc >> gp.WEIGHT_FRAC))
        predicted = Signal(w)
        m.d.comb += predicted.eq(Mux(unclamped < 0, 0, Mux(unclamped > top, top, unclamped)))
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

        # Held at the falling edge, as in gateware.compact, with the analog prediction: what
        # follows in the clock's second half sees them change once.
        m.domains.fall = ClockDomain("fall", clk_edge="neg", reset_less=True, local=True)
        m.d.comb += ClockSignal("fall").eq(ClockSignal())
        prediction = Signal(w)
        sample = Signal(w)
        analog = Signal(axis.bits)
        m.d.fall += [prediction.eq(predicted), sample.eq(self.i.p.sample),
                     analog.eq(analog_predicted)]

        # The residual (golden.rice.reduce) for the Rice state, and k.
        difference = Signal(signed(w + 1))
        m.d.comb += difference.eq(sample - prediction)
        error = Signal(signed(w))
        m.d.comb += error.eq(difference[:w])
        total = state.total
        k = Signal(range(w))

        def rice_k(count, total):
            return sum(((count << j) < total) for j in range(w - 1))
        # k of the next sample, taken with its state (the successor at one channel, the row
        # read ahead at more), so that it is clean from the clock edge on: the contexts'
        # selection and the bins' shift do not see the glitches of its comparators
        first_k = sum((1 << j) < reset_state(w)["total"] for j in range(w - 1))
        k_register = Signal(range(w), init=first_k)
        m.d.comb += k.eq(k_register)

        # The read stage: where the code's edges fall in the bins, the update's bin, what
        # an escape takes, registered as the sample is taken; the next clock reads them.
        staged = Signal(data.StructLayout({
            "low": located_layout(), "high": located_layout(), "update": 5, "context": 2,
            "first": 1, "top": 1, "sample": w, "last": 1}))
        staged_valid = Signal()
        advance = Signal()  # the staged sample's interval is registered this clock
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

        # The interval (golden.interval.Model.interval) and the context's update.
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

        # The successor state (Predictor.update, RiceAdapter.update), as gateware.compact.
        ahead = sample > prediction
        behind = sample < prediction
        for i, feature in enumerate(state.features):
            weight = weights[i]
            nonzero = feature.magnitude != 0
            positive, negative = nonzero & ~feature.negative, nonzero & feature.negative
            up = (ahead & positive) | (behind & negative)
            down = (ahead & negative) | (behind & positive)
            m.d.comb += successor.weights[i].eq(Mux(
                up, Mux(weight > gp.WEIGHT_MAX - gp.STEP, gp.WEIGHT_MAX, weight + gp.STEP),
                Mux(down, Mux(weight < gp.WEIGHT_MIN + gp.STEP, gp.WEIGHT_MIN,
                              weight - gp.STEP), weight)))
        arriving = self.i.p.sample
        m.d.comb += successor.last.eq(arriving)
        _sign_magnitude(m, successor.features[0], arriving - previous, "feature0_next")
        for i in range(1, gp.TAPS):
            m.d.comb += successor.features[i].eq(state.features[i - 1])
        for i, shift in enumerate(gp.AVERAGE_SHIFTS):
            average = averages[i]
            step = Signal(signed(len(average) + 1), name=f"average{i}_step")
            m.d.comb += [step.eq(((arriving << gp.AVERAGE_FRAC) - average) >> shift),
                         successor.averages[i].eq(average + step)]
            _sign_magnitude(m, successor.features[gp.TAPS + i],
                            (successor.averages[i] >> gp.AVERAGE_FRAC) - arriving,
                            f"feature{gp.TAPS + i}_next")
        grown = total + Mux(error < 0, -error, error)
        halve = count == gr.RESET - 1
        m.d.comb += successor.total.eq(Mux(halve, (grown + 1) >> 1, grown))
        grown_count = Mux(halve, gr.RESET >> 1, count + 1)
        if self.channels == 1:
            with m.If(take):
                m.d.sync += k_register.eq(Mux(last, first_k,
                                              rice_k(grown_count, successor.total)))
        else:
            # the next channel's: a fresh stream's, or of its row with the round's count
            fresh = last | (first_round & ~round_ends)
            with m.If(take):
                m.d.sync += k_register.eq(Mux(fresh, first_k, rice_k(
                    Mux(round_ends, grown_count, count), row.total)))
        with m.If(take):
            with m.If(last):
                m.d.sync += count.eq(1)
            with m.Elif(round_ends):
                m.d.sync += count.eq(grown_count)
        return m
