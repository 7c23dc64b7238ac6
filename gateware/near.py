"""The near-lossless predictor's last stages: the residual quantised to bins of 2δ + 1.

:func:`quantise` builds stages 7 to 12 of :class:`~gateware.predictor.Predictor` with
``near`` = δ ≥ 1 (the stage plan is in :mod:`gateware.predictor`'s docstring):
:func:`golden.near.quantise` as a multiply by an exact reciprocal, then
:func:`~golden.near.reconstruct` and :func:`~golden.near.reduce`, and the past's update from
the reconstructed sample, not the sample, as the decoder will see it.
"""

from amaranth.hdl import Mux, signed

from golden import near as nl
from golden.predictor import AVERAGE_SHIFTS

from .averages import average_terms, moved_average

__all__ = ["quantise"]


def quantise(m, stage, carry, *, width, near, sample, prediction, last, older, kept_averages,
         past, enable, output, analog):
    """Stages 7 to 12 of the near-lossless predictor of bound ``near``.

    ``stage`` and ``carry`` make the predictor's stage registers; ``sample``, ``prediction``
    and ``last`` are stage 6's; ``older`` and ``kept_averages`` the channel's past that
    stays; ``past`` is its :class:`~gateware.state.ChannelState`, written from the
    reconstructed sample; ``output`` the predictor's output stream, its side fields set
    when ``analog``.
    """
    top = (1 << width) - 1
    step = nl.step(near)
    span = nl.reduced_range(near, width)
    factor, shift = nl.reciprocal(near, width)
    residual = stage("residual", signed(width + 1), sample - prediction, at=7)
    predicted = carry("predicted", width, prediction, 7, 10)
    # Stage 8: |x - p| + δ, at most 2**W - 1 + δ, and the residual's sign.
    magnitude = stage("magnitude", width + 1,
                      Mux(residual[-1], -residual, residual) + near, at=8)
    negative = carry("negative", 1, residual[-1], 8, 10)
    # Stage 9: its product with the reciprocal; |q| = floor((|x - p| + δ) / (2δ + 1)).
    product = stage("product", width + 1 + factor.bit_length(), magnitude * factor, at=9)
    quotient = product[shift:shift + width]
    # Stage 10: |q| and |q| (2δ + 1).
    size = stage("size", width, quotient, at=10)
    offset = stage("offset", width + step.bit_length(), quotient * step, at=10)
    # Stage 11: q, and p + q (2δ + 1) before the clamp.
    quantised = stage("quantised", signed(width + 1), Mux(negative, -size, size), at=11)
    raw = stage("raw_sample", signed(width + 3),
                Mux(negative, predicted - offset, predicted + offset), at=11)
    # Stage 12: q modulo RANGE in the output register; x' and the averages' terms.
    low, high = -(span // 2), span - 1 - span // 2
    reduced = Mux(quantised < low, quantised + span,
                  Mux(quantised > high, quantised - span, quantised))
    with m.If(enable):
        m.d.sync += [output.p.error.eq(reduced[:width].as_signed()),
                     output.p.last.eq(last)]
        if analog:  # the bin's codes, from p + q (2δ + 1) before the clamp
            m.d.sync += [
                output.p.side.lowest.eq(Mux(raw < near, 0, (raw - near)[:width])),
                output.p.side.highest.eq(Mux(raw > top - near, top, (raw + near)[:width])),
                output.p.side.restored.eq(Mux(raw < 0, 0, Mux(raw > top, top, raw[:width]))),
            ]
    restored = Mux(raw < 0, 0, Mux(raw > top, top, raw[:width]))
    updated = stage("restored", width, restored, at=12)
    terms = [[stage(f"average{i}_term{j}", len(term), term, at=12)
              for j, term in enumerate(average_terms(average, restored[:width], shift_))]
             for i, (average, shift_) in enumerate(zip(kept_averages, AVERAGE_SHIFTS))]
    m.d.comb += [
        *(past.update.history[i].eq(value) for i, value in enumerate([updated, *older])),
        *(past.update.averages[i].eq(moved_average(pair, len(average)))
          for i, (pair, average) in enumerate(zip(terms, kept_averages))),
    ]
