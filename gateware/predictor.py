"""Predictor: the sign-sign LMS of :mod:`golden.predictor`, as a pipeline of short stages.

A sample's prediction needs its channel's weights as the channel's previous sample left
them, so the weights make a loop through the multiplies, the sum, the comparison with the
sample and the update. The loop is cut into :data:`WEIGHT_SPAN` stages, each about one
carry chain long, and the weights of a channel are read as its sample enters the first and
written as it leaves the last (:class:`~gateware.state.ChannelState` with a span)::

    stage 0   the features, from the channel's past samples and averages; the averages'
              update as carry-save terms; the channel's weights
    stage 1   the features, registered; the averages' adds (the past written as the
              sample leaves)
    stage 2   the multiplies' operands (in the multipliers' input registers)
    stage 3   the four products (in the multipliers' output registers)
    stage 4   their pairwise sums
    stage 5   their sum, scaled; each weight a step up and a step down, saturated
    stage 6   the prediction, not yet clamped; each weight as either sign of the residual
              would move it
    stage 7   the residual (the output register); the new weights, written as it leaves

The past samples and averages are a loop of :data:`PAST_SPAN` stages, or of one (stage 0)
when part of them lives in SPRAM (whose banks need a channel's read and write in
consecutive cycles). With more channels than :data:`WEIGHT_SPAN` the channels' loops
interleave and one sample a clock flows; with fewer, a channel's next sample waits for the
weights its previous sample leaves, so a channel takes a sample every :data:`WEIGHT_SPAN`
cycles (one channel) or every ``WEIGHT_SPAN + 1`` cycles (a few channels sharing a memory).

Near-lossless (``near`` = δ ≥ 1, :mod:`golden.near`, fixed at elaboration) keeps stages 0 to
6, and from stage 7 on (:mod:`gateware.near`) quantises the residual and reconstructs the
sample, which the past then takes instead of the sample (:data:`NEAR_LATENCY` stages, all of
them the past's span)::

    stage 7   the residual x - p and p; the weights' direction, sign(q), as whether the
              residual is below -δ or above δ (x' = clamp(p + q (2δ + 1)) lies on q's side of
              p), so the weights' loop is as short as in lossless mode
    stage 8   |x - p| + δ, and its sign
    stage 9   its product with the reciprocal of 2δ + 1 (:func:`golden.near.reciprocal`,
              exact by construction): |q| is its top bits
    stage 10  |q| and |q| (2δ + 1)
    stage 11  q, and p ± |q| (2δ + 1), not yet clamped
    stage 12  q reduced modulo RANGE (the output register); x' clamped, and the averages'
              carry-save terms of x', written to the past as it leaves

The past's span is the whole pipeline, so a channel takes a sample every
:data:`NEAR_LATENCY` cycles alone (one more with a few), and one a clock with more
channels than that.

The multiplies have registered operands and registered products, so that an FPGA's
multiplier blocks absorb both registers (iCE40 ``SB_MAC16``), and timing analysis sees
the multiplier between registers. Data registers load whenever the stages advance,
bubbles included (their valid flags hide a bubble's data), so that one enable, the
pipeline's, drives them all; only the counters and the state follow the items.
"""

from amaranth.hdl import Cat, Module, Mux, Signal, signed
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from golden import predictor as model
from golden.adc import FRACTION_BITS
from golden.predictor import AVERAGE_FRAC, AVERAGE_SHIFTS, STEP, WEIGHT_BITS, WEIGHT_FRAC

from .averages import average_terms, moved_average
from .near import quantise
from .parameters import check_channels, check_near, check_width
from .pipeline import Lockstep
from .state import ChannelState

__all__ = ["LATENCY", "NEAR_LATENCY", "PAST_SPAN", "WEIGHT_SPAN", "Predictor", "latency",
           "residual_layout", "sample_layout", "side_layout", "state_layout", "weights_layout"]

#: Stages from the read of a channel's weights to their write: stages 0 to 6.
WEIGHT_SPAN = 8
#: Cycles from taking a sample to its residual on ``o``.
LATENCY = 8
#: Stages from the read of a channel's past samples and averages to their write, unless
#: they live partly in SPRAM (one stage then).
PAST_SPAN = 2
#: Cycles from taking a sample to its quantised residual on ``o``, near-lossless; also the
#: span of the past, which takes the reconstructed sample.
NEAR_LATENCY = 13


def latency(near=0):
    """Cycles from taking a sample to its residual on ``o``."""
    return NEAR_LATENCY if near else LATENCY

STEP_BITS = STEP.bit_length() - 1
assert STEP == 1 << STEP_BITS and (model.WEIGHT_MAX + 1) % STEP == 0 == model.WEIGHT_MIN % STEP


def sample_layout(width):
    """A sample, and whether it ends its stream."""
    return data.StructLayout({"sample": width, "last": 1})


def residual_layout(width, side=None):
    """A residual reduced modulo ``2**width``, and whether its sample ends its stream; and
    with ``side`` (a :func:`side_layout`), what the ADC-aware back end needs besides."""
    fields = {"error": signed(width), "last": 1}
    return data.StructLayout(fields if side is None else {**fields, "side": side})


def correction_bits(width):
    """Bits of the LMS correction with ``FRACTION_BITS`` fraction bits, signed: four
    features under ``2**width`` times weights under one half, rounded."""
    return width + FRACTION_BITS + 3


def side_layout(width, near=0):
    """What :class:`golden.interval.Sample` holds besides ``q``: ``x[n-1]``, the correction
    with ``FRACTION_BITS`` fraction bits, and the coded bin's codes: losslessly the sample
    (``code``); near-lossless the bin's ``lowest`` and ``highest`` codes and the ``restored``
    one."""
    codes = {"code": width} if not near else {"lowest": width, "highest": width,
                                              "restored": width}
    return data.StructLayout({"previous": width, "correction": signed(correction_bits(width)),
                              **codes})


def state_layout(width):
    """The past of one channel: :class:`golden.predictor.Predictor`'s samples and averages."""
    return data.StructLayout({
        "history": data.ArrayLayout(width, model.TAPS + 1),
        "averages": data.ArrayLayout(width + AVERAGE_FRAC, len(AVERAGE_SHIFTS)),
    })


def weights_layout():
    """The weights of one channel."""
    return data.ArrayLayout(signed(WEIGHT_BITS), model.FEATURES)


def sign(value):
    """-1, 0 or 1, as ``(negative, positive)``."""
    return value < 0, value > 0


class Predictor(wiring.Component):
    """Predict each sample from its channel's past; the residual, reduced modulo ``2**width``.

    Latency :data:`LATENCY` cycles. Throughput: one sample a clock with more than
    :data:`WEIGHT_SPAN` channels; see the module's description for fewer.

    Parameters
    ----------
    width : int
        Sample width ``W`` in bits.
    channels : int
        Number of round-robin interleaved channels.
    spram_bits, spram_instance
        Where the channels' past samples and averages live: see
        :class:`~gateware.state.ChannelState`. The weights live in block RAM.
    near : int
        The error bound δ of near-lossless coding, 0 (lossless) to ``2**(width-1) - 1``;
        near-lossless needs no SPRAM (the past's span is the whole pipeline).
    low_power : bool
        For an ASIC: every stage register loads only as an item enters its stage, not on
        every advance, so that a bubble clocks nothing and a clock gate can stop the stage's
        clock (:mod:`neurorice.asic.clockgating`). Same bits; on an FPGA the wider enables
        cost timing, so it is off by default.
    analog : bool
        For the ADC-aware back end (:mod:`gateware.interval`): ``o`` carries also its
        ``side`` (:func:`side_layout`), from registers the other back ends do without.

    Members
    -------
    i : In(stream.Signature(sample_layout(width)))
        Samples; ``last`` on the final sample of a stream restarts every channel.
    o : Out(stream.Signature(residual_layout(width)))
        ``error = reduce(sample - predict(), W)``, with the sample's ``last``; near-lossless,
        the quantised residual reduced modulo ``RANGE`` (:func:`golden.near.reduce`). With
        ``analog``, ``residual_layout(width, side_layout(width, near))``.
    """

    def __init__(self, width, channels=1, *, spram_bits=0, spram_instance=False, near=0,
                 low_power=False, analog=False):
        check_width(width)
        check_channels(channels)
        check_near(near, width)
        if near and spram_bits:
            raise ValueError("near-lossless keeps the past in block RAM: no SPRAM bits")
        self._low_power = low_power
        self._analog = analog
        self._width = width
        self._channels = channels
        self._near = near
        self._spram = {"spram_bits": spram_bits, "spram_instance": spram_instance}
        super().__init__({
            "i": In(stream.Signature(sample_layout(width))),
            "o": Out(stream.Signature(residual_layout(
                width, side_layout(width, near) if analog else None))),
        })

    def elaborate(self, platform):
        m = Module()
        width = self._width
        near = self._near
        reset = model.Predictor(width)
        past_span = 1 if self._spram["spram_bits"] else NEAR_LATENCY if near else PAST_SPAN
        m.submodules.past = past = ChannelState(
            state_layout(width), {"history": reset.history, "averages": reset.averages},
            self._channels, span=past_span, **self._spram)
        m.submodules.weights = weights = ChannelState(
            weights_layout(), reset.weights, self._channels, span=WEIGHT_SPAN)
        pipe = Lockstep(m, self.i, self.o, latency(near),
                        hold=weights.busy | past.busy if near else weights.busy)
        enable = pipe.enable
        m.d.comb += [
            past.take.eq(pipe.take), past.take_last.eq(self.i.p.last),
            past.leave.eq(pipe.leaves(past_span - 1)), past.advance.eq(enable),
            weights.take.eq(pipe.take), weights.take_last.eq(self.i.p.last),
            weights.leave.eq(pipe.leaves(WEIGHT_SPAN - 1)), weights.advance.eq(enable),
        ]

        def stage(name, shape, value, *, at, always=True):
            """A register of stage ``at``, loaded with ``value`` as the stages advance, bubbles
            included (or only as an item enters, not ``always``)."""
            register = Signal(shape, name=f"{name}_{at}", reset_less=True)
            with m.If(enable if always and not self._low_power else pipe.enters(at)):
                m.d.sync += register.eq(value)
            return register

        def carry(name, shape, value, start, stop, *, always=True):
            """``value`` of stage ``start - 1`` carried along to stage ``stop``."""
            for at in range(start, stop + 1):
                value = stage(name, shape, value, at=at, always=always)
            return value

        # Stage 0: the features, from the past; the past's update.
        sample = stage("sample", width, self.i.p.sample, at=0)
        last = carry("last", 1, self.i.p.last, 0, latency(near) - 2)
        history, averages = past.state.history, past.state.averages
        feature_shape = signed(width + 1)
        features = [history[i] - history[i + 1] for i in range(model.TAPS)]
        features += [(average >> AVERAGE_FRAC) - history[0] for average in averages]
        # The past's update: with a span of two stages, the averages' carry-save terms in
        # stage 0 and their adds in stage 1. (The weights' longer span already keeps a
        # channel's next sample out until then, so the past needs no interlock of its own.)
        if not near:
            assert past_span <= WEIGHT_SPAN
            updated = [carry(f"updated{i}", width, value, 1, past_span - 1)
                       for i, value in enumerate([sample, *history[:model.TAPS]])]
            terms = [[carry(f"average{i}_term{j}", len(term), term, 1, past_span - 1)
                      for j, term in enumerate(average_terms(average, sample, shift))]
                     for i, (average, shift) in enumerate(zip(averages, AVERAGE_SHIFTS))]
            m.d.comb += [
                *(past.update.history[i].eq(value) for i, value in enumerate(updated)),
                *(past.update.averages[i].eq(moved_average(pair, len(average)))
                  for i, (pair, average) in enumerate(zip(terms, averages))),
            ]
        else:
            # the past, carried to the stage that knows the reconstructed sample
            older = [carry(f"kept_history{i}", width, value, 1, NEAR_LATENCY - 1)
                    for i, value in enumerate(history[:model.TAPS])]
            kept_averages = [carry(f"kept_average{i}", len(average), average, 1,
                                   NEAR_LATENCY - 2) for i, average in enumerate(averages)]

        # Stage 1: the features, in registers of their own (from the past's registers
        # through a subtraction's carry chain to the multipliers, whose place on the chip
        # is fixed and often far, is too long a path for one cycle); the channel's weights.
        features = [stage(f"feature{i}", feature_shape, feature, at=1)
                    for i, feature in enumerate(features)]
        old = [stage(f"weight{i}", signed(WEIGHT_BITS), weight, at=1)
               for i, weight in enumerate(weights.state)]

        # Stage 2: the multiplies' operands. (The operands load as the stages advance, and
        # the update's copy of the weights only as an item enters, so that synthesis keeps
        # the two apart and packs the operands into the multiplier.)
        operands = [(stage(f"weight_operand{i}", signed(WEIGHT_BITS), weight, at=2),
                     stage(f"feature_operand{i}", feature_shape, feature, at=2))
                    for i, (weight, feature) in enumerate(zip(old, features))]
        # whether each weight is within a step of a bound: its bits above the step's are the
        # bound's (STEP a power of two), a test of constants rather than a comparison's
        # chain, made early and carried, so that the step's saturation is a plain select
        bounds = [carry(f"bounds{i}", 2, Cat(
                      (weight >> STEP_BITS) == (model.WEIGHT_MIN >> STEP_BITS),
                      (weight >> STEP_BITS) == (model.WEIGHT_MAX >> STEP_BITS)), 2, 4,
                        always=False)
                  for i, weight in enumerate(old)]
        old = [carry(f"weight{i}", signed(WEIGHT_BITS), weight, 2, 4, always=False)
               for i, weight in enumerate(old)]
        feature_signs = [carry(f"feature_sign{i}", 2, Cat(*sign(feature)), 2, 5)
                         for i, feature in enumerate(features)]
        newest = carry("newest", width, history[0], 1, 5)
        sample = carry("sample", width, sample, 1, 6)
        top = (1 << width) - 1

        # Stage 3: the products; stage 4: their pairwise sums; stage 5: the whole sum,
        # scaled so that its rounding needs one more bit: (sum + 2**(F-1)) >> F is
        # ((sum >> (F-1)) + 1) >> 1.
        product_shape = signed(WEIGHT_BITS + width + 1)
        products = [stage(f"product{i}", product_shape, weight * feature, at=3)
                    for i, (weight, feature) in enumerate(operands)]
        sum_shape = signed(WEIGHT_BITS + width + 3)
        pairs = [stage(f"pair{i}", sum_shape, products[2 * i] + products[2 * i + 1], at=4)
                 for i in range(2)]
        total = pairs[0] + pairs[1]
        scaled = stage("scaled", signed(width + 5), total >> (WEIGHT_FRAC - 1), at=5)
        if self._analog:
            # the correction with FRACTION_BITS fraction bits, rounded the same way; and x[n-1]
            fine = stage("fine_half", signed(correction_bits(width) + 1),
                         total >> (WEIGHT_FRAC - FRACTION_BITS - 1), at=5)
            fine = stage("fine", signed(correction_bits(width)), (fine + 1) >> 1, at=6)
            previous = stage("previous", width, newest, at=6)
            if near:
                fine = carry("fine", signed(correction_bits(width)), fine, 7, NEAR_LATENCY - 2)
                previous = carry("previous", width, previous, 7, NEAR_LATENCY - 2)
            side = [self.o.p.side.previous.eq(previous), self.o.p.side.correction.eq(fine)]

        # Stage 5 also holds each weight a step up and a step down, saturated (tested on
        # the weight, beside the add, rather than on the sum after it); stage 6 each weight
        # as either sign of the residual would move it, so that stage 7 only selects.
        moves = []
        for i, (weight, signs, (near_bottom, near_top)) in enumerate(
                zip(old, feature_signs, bounds)):
            up = stage(f"up{i}", signed(WEIGHT_BITS),
                       Mux(near_top, model.WEIGHT_MAX, weight + STEP), at=5)
            down = stage(f"down{i}", signed(WEIGHT_BITS),
                         Mux(near_bottom, model.WEIGHT_MIN, weight - STEP), at=5)
            kept = stage(f"weight{i}", signed(WEIGHT_BITS), weight, at=5)
            negative, positive = signs[0], signs[1]
            moves.append([
                carry(f"{name}{i}", signed(WEIGHT_BITS), value, 6, 7)
                for name, value in (("if_above", Mux(positive, up, Mux(negative, down, kept))),
                                    ("if_below", Mux(negative, up, Mux(positive, down, kept))),
                                    ("kept", kept))])

        # Stage 6: the prediction x[n-1] + correction, as (2 x[n-1] + 1 + scaled) >> 1, not
        # yet clamped to 0..2**W-1, and whether it is under or over that range.
        raw = Signal(signed(width + 4))
        m.d.comb += raw.eq(((newest << 1) + 1 + scaled) >> 1)
        inside = stage("inside", width, raw[:width], at=6)
        under = stage("under", 1, raw[-1], at=6)
        over = stage("over", 1, ~raw[-1] & raw[width:-1].any(), at=6)  # (a level of logic)

        # Stage 7: the clamped prediction (one level of logic on the registered cases), the
        # residual, and its sign from two subtractions' carry chains (equality as neither
        # below nor above: chains are faster than a tree).
        prediction = Mux(under, 0, Mux(over, top, inside))
        if near:
            # near-lossless: the weights move by sign(q), that is by whether the residual
            # is below -δ or above δ
            difference = Signal(signed(width + 2))
            reverse = Signal(signed(width + 2))
            m.d.comb += [difference.eq(sample + near - prediction),
                         reverse.eq(prediction + near - sample)]
        else:
            difference = Signal(signed(width + 1))
            reverse = Signal(signed(width + 1))
            m.d.comb += [difference.eq(sample - prediction), reverse.eq(prediction - sample)]
        below = stage("below", 1, difference[-1], at=7)
        equal = stage("equal", 1, ~difference[-1] & ~reverse[-1], at=7)
        for i, (if_above, if_below, kept) in enumerate(moves):
            m.d.comb += weights.update[i].eq(Mux(equal, kept, Mux(below, if_below, if_above)))
        if near:
            quantise(m, stage, carry, width=width, near=near, sample=sample,
                     prediction=prediction, last=last, older=older,
                     kept_averages=kept_averages, past=past, enable=enable, output=self.o,
                     analog=self._analog)
            if self._analog:
                with m.If(enable):
                    m.d.sync += side
            return m

        # Stage 7: the residual, reduced modulo 2**W, in the output register; the weights
        # moved by sign(residual) * sign(feature), written as it leaves.
        with m.If(enable):
            m.d.sync += [self.o.p.error.eq(difference[:width].as_signed()),
                         self.o.p.last.eq(last)]
            if self._analog:
                m.d.sync += [*side, self.o.p.side.code.eq(sample)]
        return m
