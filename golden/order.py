"""The order in which the lossless Rice and arithmetic back ends see an ADC's codes.

An ADC may have codes it (almost) never produces: the implant's converter gives code 511,
at its mid-scale carry, no width of the analog axis (:data:`golden.adc.DEFAULT`), and it
occurs 77 times in the 48.7 M samples of the training recordings. Between codes 510 and 512
the signal moves one step of the analog axis but two codes, so every residual that crosses
mid-scale is one larger than the signal's change, and the signals of the recordings sit
around mid-scale.

The coded value of a code is therefore its **rank**: the codes of non-zero width in their
natural order, then the codes of zero width (the table's *missing* codes), so the implant's
code ``c`` is coded as ``c`` below 511, ``c - 1`` above it, and 511 as 1023::

    rank(c) = c - (missing codes below c)                  c of non-zero width
    rank(m_j) = 2**W - len(missing) + j                    m_j the j-th missing code

The coded values are a permutation of the codes, so every code, missing or not, is coded
and restored exactly; a missing code costs a long codeword (an escape, as it is
unpredictable) and disturbs the predictor for a few samples, which its rarity pays for. On
the 493 training recordings this codes 0.36 % fewer Rice bits and 0.46 % fewer arithmetic-
coded ones. The ``adc`` back end needs no such order: it gives each code its own width.

Near-lossless coding keeps the natural order (its error bound is in codes, and two codes a
step apart on the ranks may be two apart as codes), as do tables with no missing code
(an ideal ADC's, :data:`golden.adc.UNIFORM`).

In hardware the rank is a comparator against each missing code and a subtraction
(:mod:`gateware.code_order`).
"""

from . import adc

__all__ = ["CodeOrder", "for_stream", "identity", "missing_codes"]

#: The back ends that code the ranks; ``adc`` models the widths themselves.
RANKED_CODERS = ("rice", "arith")


def missing_codes(table, width):
    """The ``width``-bit codes that ``table`` gives no width, in increasing order."""
    if 0 not in table.widths and 0 not in table.exceptions.values():
        return ()
    return tuple(c for c in range(1 << width) if table.width(c) == 0)


class CodeOrder:
    """The ranks of ``width``-bit codes with the codes ``missing`` last.

    Members
    -------
    missing : tuple of int
        The codes put last, in increasing order.
    ranks : tuple of int
        ``ranks[c]``, the coded value of code ``c`` (built when first read).
    codes : tuple of int
        ``codes[y]``, the code of coded value ``y``: the inverse of ``ranks``.
    """

    def __init__(self, missing, width):
        self.width = width
        self.missing = tuple(sorted(set(missing)))
        if any(not 0 <= c < 1 << width for c in self.missing):
            raise ValueError(f"a missing code must be a {width}-bit code")
        self._codes = self._ranks = None

    @property
    def identity(self):
        """True if every code is its own rank."""
        return not self.missing

    # the tables are built when first read: the fast path never builds the 65,536 entries
    # of a stream of 16-bit samples in the natural order, and importing this module builds
    # nothing (functools.cached_property would import collections into every ./encode)
    @property
    def codes(self):
        if self._codes is None:
            gone = set(self.missing)
            self._codes = tuple([c for c in range(1 << self.width) if c not in gone]
                                + list(self.missing))
        return self._codes

    @property
    def ranks(self):
        if self._ranks is None:
            ranks = [0] * (1 << self.width)
            for rank, code in enumerate(self.codes):
                ranks[code] = rank
            self._ranks = tuple(ranks)
        return self._ranks

    def __eq__(self, other):
        return (isinstance(other, CodeOrder) and self.width == other.width
                and self.missing == other.missing)

    def __hash__(self):
        return hash((self.width, self.missing))

    def __repr__(self):
        return f"CodeOrder({list(self.missing)}, {self.width})"


_known = {}


def identity(width):
    """The order that moves no code, for ``width``-bit codes."""
    return of_table(None, width)


def for_stream(coder, near, table, width):
    """The order a ``width``-bit stream of ``coder`` at error bound ``near`` codes in, with
    the width table ``table`` (:func:`golden.adc.default` of ``width`` if None)."""
    if coder not in RANKED_CODERS or near:
        return identity(width)
    return of_table(adc.default(width) if table is None else table, width)


def of_table(table, width):
    """The order of ``table``'s missing codes last, for ``width``-bit codes (no code moved
    if ``table`` is None); kept for the few tables a process uses."""
    key = (table, width)
    found = _known.get(key)
    if found is None:
        found = CodeOrder(missing_codes(table, width) if table is not None else (), width)
        if len(_known) >= 16:
            _known.pop(next(iter(_known)))
        _known[key] = found
    return found
