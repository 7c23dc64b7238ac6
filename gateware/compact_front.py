"""The compact encoders' front end: a channel's state, its prediction and its successor.

:class:`~gateware.compact.CompactEncoder` and
:class:`~gateware.compact_interval.CompactIntervalEncoder` keep the same state, the state
that :func:`golden.core.encode_stream` keeps from one sample to the next: the predictor's
(:class:`golden.predictor.Predictor`) and the Rice adapter's
(:class:`golden.rice.RiceAdapter`), whose ``k`` the ADC-aware back end takes as its
context. Each clock takes a sample through :func:`predict`, :func:`residual` and
:meth:`ChannelState.update`, the state's successor, which the clock edge that takes the
sample stores.

With one channel the state is in flip-flops. With more, the state of every channel but
``count`` (the same in every channel at any round, as :mod:`gateware.rice` notes) lives in
a memory of a row a channel, read asynchronously, as a latch array is. Flip-flops stand on
both sides of it, so that neither its read path's glitches reach the logic nor the logic's
reach its write bus: the next channel's row is read a clock ahead and taken into
flip-flops at the clock edge that takes the sample, and the row the sample leaves is taken
into flip-flops at that same edge and written at the next (a channel's next sample is at
least two clocks later; with two channels, the row being written is taken from its
flip-flops). A stream's first round takes the reset state instead of the rows, so no reset
walks the memory.

These are helpers that add their logic to the encoder's module, not components of their
own: the encoders' Verilog keeps one module for all of it.
"""

from amaranth.hdl import Const, Mux, Signal, signed
from amaranth.lib import data
from amaranth.lib.memory import Memory

from golden import predictor as gp
from golden import rice as gr

from .weighted_sum import WeightedSum, feature_layout

__all__ = ["COUNT_BITS", "TOTAL_EXTRA_BITS", "ChannelState", "predict", "reset_state",
           "residual", "rice_k", "sign_magnitude", "state_layout"]

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


def sign_magnitude(m, feature, difference, name):
    """Drive ``feature`` (:func:`feature_layout`) with the signed ``difference``."""
    value = Signal(signed(len(difference)), name=name)
    m.d.comb += [value.eq(difference), feature.negative.eq(value < 0),
                 feature.magnitude.eq(Mux(value < 0, -value, value))]


def rice_k(width, count, total):
    """The least ``k`` with ``count << k >= total``, at most ``W - 1``
    (:func:`golden.rice.rice_k`): the comparisons hold from some ``j`` on, so ``k`` is the
    count of those that fail."""
    return sum(((count << j) < total) for j in range(width - 1))


class ChannelState:
    """The state of the channel whose sample is on the input, and its successor.

    Parameters
    ----------
    m : Module
        The encoder's module.
    width : int
        Sample width ``W``.
    channels : int
        Channels interleaved round-robin; their state in a memory with more than one.
    take : Value
        A sample is taken at this clock's edge.
    last : Value
        The sample is a stream's last: the state after it is the reset state.

    Members
    -------
    state : Signal(state_layout(width))
        The channel's state for the sample on the input, from flip-flops.
    successor : Signal(state_layout(width))
        The state after it, to be driven by :meth:`update`.
    count : Signal
        The Rice adapter's ``N``, the same in every channel.
    round_ends : Value
        The sample is of the round's last channel (always, with one channel).
    first_round : Signal or None
        The round is a stream's first (the state is the reset state); ``None`` with one
        channel.
    row : View or None
        The next channel's row, taken into ``state`` as the sample is taken; ``None`` with
        one channel.
    """

    def __init__(self, m, width, channels, take, last):
        layout = state_layout(width)
        reset = layout.const(reset_state(width))
        self.width = width
        self.state = state = Signal(layout)
        self.successor = successor = Signal(layout)
        self.count = Signal(COUNT_BITS, init=1)
        self.first_round = self.row = None
        if channels == 1:
            register = Signal(layout, init=reset_state(width))
            m.d.comb += state.eq(register)
            with m.If(take):
                m.d.sync += register.eq(Mux(last, reset, successor))
            self.round_ends = Const(1)
            return

        m.submodules.rows = rows = Memory(shape=layout, depth=channels, init=[])
        read = rows.read_port(domain="comb")
        write = rows.write_port()
        channel = Signal(range(channels))
        self.first_round = first_round = Signal(init=1)
        self.round_ends = round_ends = channel == channels - 1
        # The successor is written a clock later, from flip-flops: it toggles three times a
        # bit a clock as it settles (the state read, then the sample held), and every toggle
        # on the write data would charge a bus through the memory.
        written = Signal(layout)
        written_channel = Signal(range(channels))
        writing = Signal()
        m.d.sync += writing.eq(take)
        with m.If(take):
            m.d.sync += [written.eq(successor), written_channel.eq(channel)]
        m.d.comb += [write.addr.eq(written_channel), write.data.eq(written),
                     write.en.eq(writing)]
        # The next channel's row is read a clock ahead into flip-flops, so that the logic
        # sees the state change once, at the clock edge: a memory's read path glitches as
        # its address changes, and its glitches would run on into the weighted sum. With
        # two channels the next row may be the one written at this edge; with more it was
        # written at least a clock before.
        fetched = Signal(layout, reset_less=True)  # the first round takes the reset
        upcoming = Signal(range(channels))
        m.d.comb += [upcoming.eq(Mux(round_ends, 0, channel + 1)), read.addr.eq(upcoming),
                     state.eq(Mux(first_round, reset, fetched))]
        row = read.data
        if channels == 2:
            row = layout(Mux(writing & (written_channel == upcoming), written, read.data))
        self.row = row
        with m.If(take):
            m.d.sync += fetched.eq(row)
            with m.If(last):
                m.d.sync += [channel.eq(0), first_round.eq(1)]
            with m.Elif(round_ends):
                m.d.sync += [channel.eq(0), first_round.eq(0)]
            with m.Else():
                m.d.sync += channel.eq(channel + 1)

    def update(self, m, sample, prediction, arriving, error):
        """Drive :attr:`successor` (:meth:`golden.predictor.Predictor.update`,
        :meth:`golden.rice.RiceAdapter.update`).

        ``sample`` and ``prediction`` are held at the falling edge; ``arriving`` is the
        sample on the input; ``error`` is the :func:`residual`. Sets :attr:`halve`, the
        round halves ``total``, and :attr:`grown_count`, ``count`` after the round.
        """
        state, successor, count = self.state, self.successor, self.count
        previous, averages, weights = state.last, state.averages, state.weights
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
        m.d.comb += successor.last.eq(arriving)
        sign_magnitude(m, successor.features[0], arriving - previous, "feature0_next")
        for i in range(1, gp.TAPS):
            m.d.comb += successor.features[i].eq(state.features[i - 1])
        for i, shift in enumerate(gp.AVERAGE_SHIFTS):
            average = averages[i]
            step = Signal(signed(len(average) + 1), name=f"average{i}_step")
            m.d.comb += [step.eq(((arriving << gp.AVERAGE_FRAC) - average) >> shift),
                         successor.averages[i].eq(average + step)]
            sign_magnitude(m, successor.features[gp.TAPS + i],
                           (successor.averages[i] >> gp.AVERAGE_FRAC) - arriving,
                           f"feature{gp.TAPS + i}_next")
        grown = state.total + Mux(error < 0, -error, error)
        self.halve = halve = count == gr.RESET - 1
        m.d.comb += successor.total.eq(Mux(halve, (grown + 1) >> 1, grown))
        self.grown_count = Mux(halve, gr.RESET >> 1, count + 1)

    def advance_count(self, m, take, last):
        """Take ``count`` to the next round's as the round's last sample is taken, and back
        to its start with a stream's last."""
        with m.If(take):
            with m.If(last):
                m.d.sync += self.count.eq(1)
            with m.Elif(self.round_ends):
                m.d.sync += self.count.eq(self.grown_count)


def predict(m, width, state):
    """The prediction of :meth:`golden.predictor.Predictor.predict` from ``state``: the
    weighted sum ``acc`` (signed, ``WEIGHT_FRAC`` fraction bits, the rounding in it) and
    the clamped prediction ``predicted`` (``width`` bits)."""
    top = (1 << width) - 1
    # The features come from flip-flops in sign and magnitude: a feature's bits change
    # together at the clock edge, and a small feature of either sign leaves the sum's upper
    # rows at zero, where two's complement would flip them all with its sign (see the
    # README's ASIC).
    acc = Signal(signed(gp.WEIGHT_BITS + width + 4))
    m.submodules.weighted_sum = weighted_sum = WeightedSum(width, len(acc))
    m.d.comb += [weighted_sum.weights.eq(state.weights),
                 weighted_sum.features.eq(state.features), acc.eq(weighted_sum.sum)]
    correction = acc >> gp.WEIGHT_FRAC  # the rounding is in the sum
    unclamped = Signal(signed(width + gp.WEIGHT_BITS + 5))
    m.d.comb += unclamped.eq(state.last + correction)
    predicted = Signal(width)
    m.d.comb += predicted.eq(Mux(unclamped < 0, 0, Mux(unclamped > top, top, unclamped)))
    return acc, predicted


def residual(m, width, sample, prediction):
    """The residual ``sample - prediction`` reduced modulo ``2**W`` and read as signed
    (:func:`golden.rice.reduce`)."""
    difference = Signal(signed(width + 1))
    m.d.comb += difference.eq(sample - prediction)
    error = Signal(signed(width))
    m.d.comb += error.eq(difference[:width])
    return error
