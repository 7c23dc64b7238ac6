"""A channel's moving averages, updated in one add: the predictor's and the quantiser's."""

from amaranth.hdl import Cat, Const

from golden.predictor import AVERAGE_FRAC

__all__ = ["average_terms", "moved_average"]


def average_terms(average, sample, shift):
    """Two addends whose sum, less its lowest bit, is the moved average
    ``average + (((sample << AVERAGE_FRAC) - average) >> shift)``, modulo its width.

    That is ``((average << shift) - average + (sample << AVERAGE_FRAC)) >> shift``: the
    floor of a sum taken whole. With ``-average`` as ``~average + 1``, the three terms meet
    in a carry-save layer (a logic level without carries), whose sums and carries make one
    add, where the plain form chains two adds in the loop of a channel's averages.

    Below bit ``shift`` only ``~average`` is not zero, and the carry-save layer has no
    carries; with the carry-in of 1 those bits carry into bit ``shift`` only when they are
    all ones, that is when the average's low bits are zero. That test, a tree beside the
    carry-save layer, comes in as the addends' lowest bit (where it makes a carry and a
    zero), so the add's carry chain is as long as the average, not ``shift`` bits longer.
    """
    assert shift <= AVERAGE_FRAC  # so that the sample's term has no bits below ``shift``
    n = len(average) + shift
    a = Cat(Const(0, shift), average)
    b = Cat(~average, Const(-1, shift))  # ~average, widened
    c = (sample << AVERAGE_FRAC)[:n]
    sums = a ^ b ^ c
    carries = (a & b) | (a & c) | (b & c)
    carry_in = average[:shift] == 0
    return Cat(carry_in, sums[shift:]), Cat(carry_in, carries[shift - 1:n - 1])


def moved_average(terms, width):
    """The moved average, of ``width`` bits, from its :func:`average_terms`."""
    low, high = terms
    return (low + high)[1:width + 1]
