"""The encoder for an ASIC: a whole sample a clock, with no pipeline.

:class:`~gateware.encoder.Encoder` is built for the FPGA: short stages that reach 60 MHz,
about 2000 flip-flops, and a channel that takes a sample every
:data:`~gateware.predictor.WEIGHT_SPAN` clocks. A single channel on an ASIC needs 19,531
samples a second, and every flip-flop costs its clock pin's energy each clock (about 41 fJ
in SKY130's ``dfrtp_1``, more than the logic it holds does), so here the clock runs at the
sample rate and the only flip-flops are the state that :func:`golden.core.encode_stream`
keeps from one sample to the next:

=================  =====================================================  =============
state              golden model                                            bits (W = 10)
=================  =====================================================  =============
``last``           ``history[0]``, :attr:`golden.predictor.Predictor`      W
``features``       :meth:`golden.predictor.Predictor.features`, sign and   4 (1 + W)
                   magnitude (they replace ``history[1:]``)
``averages``       :attr:`golden.predictor.Predictor.averages`             2 (W + 8)
``weights``        :attr:`golden.predictor.Predictor.weights`              4 x 14
``total, count``   :attr:`golden.rice.RiceAdapter.total`, ``.count``       W + 8, 8
``partial, fill``  :class:`golden.bits.BitWriter`'s unfinished word        ww - 1, log2 ww
codeword           a sample's codeword on its way to the packer, and its   W + 16, 5, 2,
                   place in the word                                       log2 ww + 1
held               the prediction and the sample, at the falling edge      2 W
``o``              the word on the output, and one more at a stream's end  2 (ww + 1)
=================  =====================================================  =============

With more channels, the state of every channel but ``count`` (the same in every channel at
any round, as :mod:`gateware.rice` notes) lives in a memory of a row a channel, read
asynchronously, as a latch array is. Flip-flops stand on both sides of it, so that
neither its read path's glitches reach the logic nor the logic's reach its write bus: the
next channel's row is read a clock ahead and taken into flip-flops at the clock edge that
takes the sample, and the row the sample leaves is taken into flip-flops at that same edge
and written at the next (a channel's next sample is at least two clocks later; with two
channels, the row being written is taken from its flip-flops). A stream's first round
takes the reset state instead of the rows, so no reset walks the memory.

One clock takes a sample through everything :func:`golden.core.encode_stream` does for it
but the packing, which the next clock does::

    prediction = predict(last, features, averages, weights)     # a carry-save tree
    ---------- the falling edge: the prediction and the sample held
    error      = reduce(sample - prediction);  u = zigzag(error)
    codeword   = rice(u, k(total, count))                        # at most 16 + W bits
    state      = update(state, sample, prediction, error)        # the next features too
    ---------- the rising edge: the state, the codeword register
    word       = word | codeword placed after its bits           # a word out when full

Each register between the steps stops the glitches of the logic before it, which without
them were three quarters of the power; at the sample rate a flip-flop costs about 1 nW. In
the order they were added, one channel (``neurorice asic --channels 1 --compact``, see the
README): the codeword register 7.22 to 4.39 µW; the features in flip-flops in sign and
magnitude, so that a small feature of either sign leaves the multipliers' upper rows at
zero, 4.28 to 3.07 µW (4.28 is 4.39 measured with the sample presented at the clock edge);
the prediction and the sample held at the falling edge, 3.07 to 2.15 µW; the codeword's
place in the word registered with it, 2.15 to 2.11 µW; the weighted sum as one carry-save
tree (:class:`~gateware.weighted_sum.WeightedSum`) instead of four multipliers and their sum,
2.11 to 1.70 µW (1.62 µW with clock gates). Tried and not kept: Yosys's Booth multipliers
(``synth -booth``), 2.15 to 2.28 µW; the products of the next sample's features computed
ahead and registered, 4.28 to 6.68 µW (the features' own logic then fed the multipliers).

The packer writes each codeword into the word where its bits go (one shifter places it in
a window of the word and a codeword's length below it) rather than shifting the unfinished
word to make room and cutting the word out of the result (three shifters), so the word's
flip-flops change only where bits arrive: 1.56 to 1.45 µW at one channel with the library's
wire-load model (the packer 0.23 to 0.06 µW), 8 % less area.

The falling edge halves the time the prediction has. The sample must be on the input for
the whole clock that takes it, as a register's output is: the next features and averages
take it from there, so that they settle once a clock (with the state), not a second time
when the held sample changes (1.62 to 1.56 µW).

The codeword is at most ``16 + W`` bits, no longer than a word, so a sample completes at most
one word; the last sample of a stream may complete two (its own, then the padded rest),
and the second waits in a register for a clock, in which no sample is taken. A stream's
last sample resets the state, so the next sample starts a fresh stream.
"""

from amaranth.hdl import ClockDomain, ClockSignal, Const, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from golden import predictor as gp
from golden import rice as gr

from .packer import word_layout
from .parameters import check_channels, check_width, check_word_width
from .predictor import sample_layout
from .weighted_sum import WeightedSum, feature_layout

__all__ = ["CompactEncoder", "state_layout"]

#: Width of ``total`` (``A``) beyond ``W``: between halvings it gains at most ``RESET / 2``
#: magnitudes of up to ``2**(W-1)`` (``RESET - 1`` from its start, ``2**(W-6)``), so it
#: stays at most ``RESET * 2**(W-1)``, ``2**(W+7)``.
TOTAL_EXTRA_BITS = (gr.RESET - 1).bit_length()
COUNT_BITS = (gr.RESET - 1).bit_length()


def state_layout(width):
    """A channel's state but ``count``: the predictor's and the Rice adapter's.

    The predictor's history (:attr:`golden.predictor.Predictor.history`) is kept as the
    last sample and the features it gives (:meth:`~golden.predictor.Predictor.features`),
    which the previous sample computed: ``x[n-2]`` and ``x[n-3]`` serve only in them.
    """
    return data.StructLayout({
        "last": width,
        "features": data.ArrayLayout(feature_layout(width), gp.FEATURES),
        "averages": data.ArrayLayout(width + gp.AVERAGE_FRAC, len(gp.AVERAGE_SHIFTS)),
        "weights": data.ArrayLayout(signed(gp.WEIGHT_BITS), gp.FEATURES),
        "total": width + TOTAL_EXTRA_BITS,
    })


def reset_state(width):
    """:func:`state_layout`'s value at the start of a stream: the history and the averages
    at mid-scale, so every feature is zero."""
    mid = 1 << (width - 1)
    return {"last": mid,
            "features": [{"negative": 0, "magnitude": 0}] * gp.FEATURES,
            "averages": [mid << gp.AVERAGE_FRAC] * len(gp.AVERAGE_SHIFTS),
            "weights": [0] * gp.FEATURES, "total": gr.initial_magnitude_sum(width)}


def _sign_magnitude(m, feature, difference, name):
    """Drive ``feature`` (:func:`feature_layout`) with the signed ``difference``."""
    value = Signal(signed(len(difference)), name=name)
    m.d.comb += [value.eq(difference), feature.negative.eq(value < 0),
                 feature.magnitude.eq(Mux(value < 0, -value, value))]


class CompactEncoder(wiring.Component):
    """Samples in, :func:`golden.core.encode_stream`'s words out, a sample a clock.

    The ports are :class:`~gateware.encoder.Encoder`'s, with the Rice back end, lossless.
    A sample is taken whenever the word register is free or being taken, except in the
    clock after a stream's last sample completed two words.

    Parameters
    ----------
    width : int
        Sample width ``W``, 1 to 16.
    channels : int
        Channels interleaved round-robin, 1 to 65535; their state in a memory with more
        than one.
    word_width : int
        Bits a word: 8, 16, ... 64, and at least ``16 + W``.
    """

    def __init__(self, width=10, channels=1, word_width=32):
        check_width(width)
        check_word_width(word_width, width)
        check_channels(channels)
        self.width = width
        self.word_width = word_width
        self.channels = channels
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        w, ww = self.width, self.word_width
        top = (1 << w) - 1
        layout = state_layout(w)
        reset = layout.const(reset_state(w))

        # Two steps a clock apart: the sample to its codeword (and the state's successor),
        # then the codeword into the word. The codeword register between them keeps the
        # glitches of the arithmetic out of the packer's shifters.
        longest = gr.max_codeword_bits(w)
        coded = Signal()  # the codeword register holds a sample's codeword
        coded_value = Signal(longest)
        coded_length = Signal(range(longest + 1))
        coded_last = Signal()
        free = ~self.o.valid | self.o.ready
        spilling = Signal()  # a stream's final word waits for the word before it to leave
        pack = Signal()  # the codeword goes into the word this clock
        take = Signal()
        # No sample is taken at the first clock out of reset: its half clock before is not
        # known to have held the sample (see the falling edge below).
        started = Signal()
        m.d.sync += started.eq(1)
        m.d.comb += [pack.eq(coded & free & ~spilling),
                     self.i.ready.eq(started & (~coded | pack)),
                     take.eq(self.i.valid & self.i.ready)]
        sample, last = self.i.p.sample, self.i.p.last

        # The channel's state now (``state``) and after this sample (``successor``).
        state = Signal(layout)
        successor = Signal(layout)
        count = Signal(COUNT_BITS, init=1)  # the Rice adapter's N, the same in every channel
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
            # The successor is written a clock later, from flip-flops: it toggles three
            # times a bit a clock as it settles (the state read, then the sample held), and
            # every toggle on the write data would charge a bus through the memory.
            written = Signal(layout)
            written_channel = Signal(range(self.channels))
            writing = Signal()
            m.d.sync += writing.eq(take)
            with m.If(take):
                m.d.sync += [written.eq(successor), written_channel.eq(channel)]
            m.d.comb += [write.addr.eq(written_channel), write.data.eq(written),
                         write.en.eq(writing)]
            # The next channel's row is read a clock ahead into flip-flops, so that the
            # logic sees the state change once, at the clock edge: a memory's read path
            # glitches as its address changes, and its glitches would run on into the
            # weighted sum. With two channels the next row may be the one written at
            # this edge; with more it was written at least a clock before.
            fetched = Signal(layout, reset_less=True)  # the first round takes the reset
            upcoming = Signal(range(self.channels))
            m.d.comb += [upcoming.eq(Mux(round_ends, 0, channel + 1)), read.addr.eq(upcoming),
                         state.eq(Mux(first_round, reset, fetched))]
            row = read.data
            if self.channels == 2:
                row = Mux(writing & (written_channel == upcoming), written, read.data)
            with m.If(take):
                m.d.sync += fetched.eq(row)
            with m.If(take):
                with m.If(last):
                    m.d.sync += [channel.eq(0), first_round.eq(1)]
                with m.Elif(round_ends):
                    m.d.sync += [channel.eq(0), first_round.eq(0)]
                with m.Else():
                    m.d.sync += channel.eq(channel + 1)
        previous, averages, weights = state.last, state.averages, state.weights

        # Predict (golden.predictor.Predictor.predict). The features come from flip-flops
        # in sign and magnitude: a feature's bits change together at the clock edge, and a
        # small feature of either sign leaves the sum's upper rows at zero, where
        # two's complement would flip them all with its sign (see the README's ASIC).
        acc = Signal(signed(gp.WEIGHT_BITS + w + 4))
        m.submodules.weighted_sum = weighted_sum = WeightedSum(w, len(acc))
        m.d.comb += [weighted_sum.weights.eq(weights), weighted_sum.features.eq(state.features),
                     acc.eq(weighted_sum.sum)]
        correction = acc >> gp.WEIGHT_FRAC  # the rounding is in the sum
        unclamped = Signal(signed(w + gp.WEIGHT_BITS + 5))
        m.d.comb += unclamped.eq(previous + correction)
        predicted = Signal(w)
        m.d.comb += predicted.eq(Mux(unclamped < 0, 0, Mux(unclamped > top, top, unclamped)))

        # The prediction and the sample are held at the clock's falling edge: the sum's
        # glitches and the sample's arrival end there, and what follows (the residual, the
        # codeword, the weights' update) sees each of them change once.
        m.domains.fall = ClockDomain("fall", clk_edge="neg", reset_less=True, local=True)
        m.d.comb += ClockSignal("fall").eq(ClockSignal())
        prediction = Signal(w)
        sample = Signal(w)
        m.d.fall += [prediction.eq(predicted), sample.eq(self.i.p.sample)]

        # The residual, reduced and zigzagged (golden.rice.reduce, zigzag).
        difference = Signal(signed(w + 1))
        m.d.comb += difference.eq(sample - prediction)
        error = Signal(signed(w))
        m.d.comb += error.eq(difference[:w])  # modulo 2**W, read as signed
        u = Signal(w)
        m.d.comb += u.eq(Mux(error >= 0, error << 1, ((-error) << 1) - 1))

        # k: the least k with count << k >= total, at most W - 1 (golden.rice.rice_k); the
        # comparisons hold from some j on, so k is the count of those that fail.
        total = state.total
        k = Signal(range(w))
        m.d.comb += k.eq(sum(((count << j) < total) for j in range(w - 1)))

        # The codeword (golden.rice.codeword).
        quotient = u >> k
        escape = quotient >= gr.ESCAPE_ZEROS
        value = Signal(longest)
        length = Signal(range(longest + 1))
        low = u & ((Const(1, w + 1) << k) - 1)
        m.d.comb += [
            value.eq(Mux(escape, u, (Const(1, longest) << k) | low)),
            length.eq(Mux(escape, longest, quotient + 1 + k)),
        ]

        # The successor state (Predictor.update, RiceAdapter.update).
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
        # The next sample's features: the differences shift along, and the first and the
        # averages' pulls are new. They need no prediction, so they take the sample from
        # the input, where it arrives with the state, and settle once a clock, not twice.
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
        with m.If(take):
            with m.If(last):
                m.d.sync += count.eq(1)
            with m.Elif(round_ends):
                m.d.sync += count.eq(Mux(halve, gr.RESET >> 1, count + 1))

        # Where the codeword will end in the word is found as it is registered, from the
        # fill it will meet (this clock's packing done), so that the packer's shifters
        # start from flip-flops alone.
        fill = Signal(range(ww))
        coded_full = Signal()
        coded_rest = Signal(range(ww))
        meets = Mux(pack, Mux(coded_last, 0, coded_rest), fill)
        end = Signal(range(ww + longest))
        m.d.comb += end.eq(meets + length)
        # and the shift that puts the codeword there, its first bit after the word's
        # ``meets`` bits, in a window of the word and a codeword's length below it
        window = ww + longest
        coded_shift = Signal(range(window + 1))
        with m.If(take):
            m.d.sync += [coded.eq(1), coded_value.eq(value), coded_length.eq(length),
                         coded_last.eq(last), coded_full.eq(end >= ww),
                         coded_rest.eq(Mux(end >= ww, end - ww, end)),
                         coded_shift.eq(window - end)]
        with m.Elif(pack):
            m.d.sync += coded.eq(0)

        # Pack (golden.bits.BitWriter): the codeword is written into the word where its
        # bits go, not the word shifted to make room, so that the unfinished word's
        # flip-flops change only where bits arrive. The word is kept from its first bit down
        # (the unfinished word's free bits zero, so it is its own padding at a stream's
        # end); the codeword placed in a window of the word and a codeword's length below
        # it, whose lower part, past a full word, starts the next.
        value, last = coded_value, coded_last
        full, rest = coded_full, coded_rest
        partial = Signal(ww)  # the unfinished word, its first bit the highest
        spill = Signal(ww)
        placed = Signal(window)
        m.d.comb += placed.eq(value << coded_shift)
        word = Signal(ww)
        m.d.comb += word.eq(partial | placed[longest:])
        following = Signal(ww)  # past a full word: the next word's first bits
        m.d.comb += following.eq(placed[:longest] << (ww - longest))
        padded = Signal(ww)  # the rest of a stream's last word, padded (BitWriter.flush)
        m.d.comb += padded.eq(Mux(full, following, word))

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
            m.d.sync += [partial.eq(Mux(last, 0, Mux(full, following, word))),
                         fill.eq(Mux(last, 0, rest))]
        return m
