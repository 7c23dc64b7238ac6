"""Near-lossless coding: the residual quantised so that every sample is restored within ±δ.

After JPEG-LS's NEAR (ITU-T T.87, A.4.4 and A.4.5). With ``near`` = δ ≥ 1, a residual
``e = x - p`` is quantised to ``q``, the nearest multiple of the step ``2δ + 1`` in units of
the step (:func:`quantise`), and the sample is reconstructed as ``x' = p + q (2δ + 1)``,
clamped to the ``W``-bit range (:func:`reconstruct`): ``|x' - x| ≤ δ`` by construction. Encoder
and decoder both run the predictor and the Rice state on ``x'`` and ``q``, never on ``x``, so
they stay in step; the entropy coder codes ``q`` exactly as it codes ``e`` in lossless mode.

``q`` is reduced modulo :func:`reduced_range` (``RANGE`` of T.87 A.2.1), the number of steps
that cover the sample range, into ``-(RANGE // 2) .. RANGE - 1 - RANGE // 2``
(:func:`reduce`); the decoder adds the prediction back and undoes the wrap by one
``RANGE (2δ + 1)`` when the result lies outside ``-δ .. 2^W - 1 + δ`` (:func:`restore`).
That is exact: ``RANGE (2δ + 1) > 2^W - 1 + 2δ``, the width of that window.

With δ = 0 the step is 1, ``q = e``, ``RANGE = 2^W``, and every function here is the lossless
codec's (:func:`golden.rice.reduce` and ``x = (p + e) mod 2^W``), bit for bit.

Hardware (:mod:`gateware`) fixes δ at elaboration, so the division by the constant ``2δ + 1``
becomes a multiplication by a reciprocal (:func:`reciprocal`), exact over the whole range of
``|e| + δ``; the golden model states the plain arithmetic.
"""

from .predictor import clamp, sign


def max_near(width):
    """The largest δ for ``width``-bit samples: below half the range, as T.87's NEAR."""
    return (1 << (width - 1)) - 1


def check_near(near, width):
    """Raise ``ValueError`` unless ``near`` is a δ the codec supports at ``width`` bits."""
    top = max_near(width)
    if not isinstance(near, int) or isinstance(near, bool) or not 0 <= near <= top:
        raise ValueError(f"near (the error bound δ) must be an integer 0..{top}, not {near!r}")


def step(near):
    """The quantisation step ``2δ + 1``."""
    return 2 * near + 1


def reduced_range(near, width):
    """``RANGE``: how many values ``q`` takes modulo, ``floor((2^W - 1 + 2δ) / (2δ + 1)) + 1``."""
    return ((1 << width) - 1 + 2 * near) // step(near) + 1


def quantise(error, near):
    """``error`` in steps, rounded to nearest: ``sign(e) floor((|e| + δ) / (2δ + 1))``."""
    return sign(error) * ((abs(error) + near) // step(near))


def reconstruct(prediction, quantised, near, width):
    """The restored sample of the unreduced ``quantised`` residual: ``clamp(p + q (2δ + 1))``."""
    return clamp(prediction + quantised * step(near), 0, (1 << width) - 1)


def reduce(quantised, near, width):
    """``quantised`` modulo ``RANGE``, in ``-(RANGE // 2) .. RANGE - 1 - RANGE // 2``."""
    span = reduced_range(near, width)
    return (quantised + span // 2) % span - span // 2


def restore(prediction, reduced, near, width):
    """The decoder's sample from a reduced residual: :func:`reconstruct` after undoing the wrap."""
    top = (1 << width) - 1
    value = prediction + reduced * step(near)
    if value < -near:
        value += reduced_range(near, width) * step(near)
    elif value > top + near:
        value -= reduced_range(near, width) * step(near)
    return clamp(value, 0, top)


def reciprocal(near, width):
    """``(m, s)`` with ``n * m >> s == n // (2δ + 1)`` for every ``0 ≤ n ≤ 2^W - 1 + δ``.

    The least such ``s`` with ``m = ceil(2^s / (2δ + 1))``; found by checking every ``n``, so
    the hardware's division by the constant is exact by construction.
    """
    divisor, largest = step(near), (1 << width) - 1 + near
    for shift in range(64):
        factor = -(-(1 << shift) // divisor)
        if all(n * factor >> shift == n // divisor for n in range(largest + 1)):
            return factor, shift
    raise AssertionError(f"no reciprocal of {divisor} within 64 bits")
