"""The predictor's weighted sum for an ASIC: a carry-save tree, shallow for glitches.

:meth:`golden.predictor.Predictor.predict` sums four products of a weight and a feature.
Four array multipliers and an adder after them ripple a change through every row of every
multiplier and then through the adder, and each level a change passes through can toggle
again: on SKY130 those glitches were most of the compact encoder's power. Here the partial
products of every feature, a row each, go into one tree of carry-save adders, three rows
to two (their bitwise sums, and their carries a place up), until two rows are left, and one
adder sums those: a change passes through a number of adders that grows with the log of
the rows. One channel (``neurorice asic --channels 1 --compact``, see the README): 2.11 µW
with four multipliers, 1.70 µW with this tree.

The features come in sign and magnitude (:func:`feature_layout`). A negative feature's
product ``-w m`` is ``(~w) m + m``: its rows are of the inverted weight, and ``m`` is one
more row. A row is the weight (inverted or not) if a bit of the magnitude is set, else
zero, its sign bit negated and ``2**13`` taken off (Baugh-Wooley: ``-b 2**13`` is
``(1 - b) 2**13 - 2**13``) so that no row is sign-extended; the ``-2**13`` of every row and
the prediction's rounding ``2**(WEIGHT_FRAC - 1)`` are one constant row.

The tree adds whole rows, not bits column by column (a Wallace tree): the two measured the
same (1.70 and 1.75 µW), and a row a signal keeps Amaranth's simulator fast, where a bit a
signal made it up to fifty times slower.
"""

from amaranth.hdl import Const, Module, Signal, signed
from amaranth.lib import data, wiring
from amaranth.lib.wiring import In, Out

from golden import predictor as gp

__all__ = ["WeightedSum", "feature_layout"]


def feature_layout(width):
    """A feature in sign and magnitude: a feature of ``W``-bit samples is a difference of two,
    ``-(2**W - 1) .. 2**W - 1``; zero is never negative."""
    return data.StructLayout({"negative": 1, "magnitude": width})


class WeightedSum(wiring.Component):
    """``sum(weight * feature) + 2**(WEIGHT_FRAC - 1)``, modulo ``2**width``, combinational.

    Parameters
    ----------
    sample_width : int
        ``W``: the features' magnitudes have ``W`` bits.
    width : int
        Bits of the sum, two's complement: the sum modulo ``2**width``, the exact sum when
        ``width`` is at least ``WEIGHT_BITS + W + 3``.

    Members
    -------
    weights : In(ArrayLayout(signed(WEIGHT_BITS), FEATURES))
    features : In(ArrayLayout(feature_layout(W), FEATURES))
    sum : Out(signed(width))
    """

    def __init__(self, sample_width, width):
        self.sample_width = sample_width
        self.width = width
        super().__init__({
            "weights": In(data.ArrayLayout(signed(gp.WEIGHT_BITS), gp.FEATURES)),
            "features": In(data.ArrayLayout(feature_layout(sample_width), gp.FEATURES)),
            "sum": Out(signed(width)),
        })

    def _rows(self):
        """The partial products as rows: ``(value, shift)``, the value of ``value << shift``."""
        top = gp.WEIGHT_BITS - 1
        rows = []
        constant = 1 << (gp.WEIGHT_FRAC - 1)
        for weight, feature in zip(self.weights, self.features):
            turned = weight.as_unsigned() ^ feature.negative.replicate(gp.WEIGHT_BITS)
            magnitude = feature.magnitude
            for j in range(len(magnitude)):
                rows.append(((turned & magnitude[j].replicate(gp.WEIGHT_BITS)) ^ (1 << top), j))
                constant -= 1 << (j + top)
            rows.append((magnitude & feature.negative.replicate(len(magnitude)), 0))
        rows.append((Const(constant % (1 << self.width), self.width), 0))
        return rows

    def elaborate(self, platform):
        m = Module()
        width = self.width
        # Every level in a module of its own: Amaranth's simulator runs a module's logic
        # again at each change of a signal it reads, so one module would run once a level.
        rows = []
        for n, (value, shift) in enumerate(self._rows()):
            if shift < width:
                row = Signal(min(len(value), width - shift), name=f"row{n}")
                m.d.comb += row.eq(value)
                rows.append((row, shift))
        level = 0
        while len(rows) > 2:
            # three rows become two: their bitwise sums, and their carries a place up
            rows.sort(key=lambda row: row[1])
            adders = m.submodules[f"level{level}"] = Module()
            reduced = []
            for n in range(0, len(rows) - 2, 3):
                group = rows[n:n + 3]
                base = min(shift for _, shift in group)
                end = min(width, max(shift + len(value) for value, shift in group))
                a, b, d = (value << (shift - base) for value, shift in group)
                total = Signal(end - base, name=f"sum{level}_{n // 3}")
                adders.d.comb += total.eq(a ^ b ^ d)
                reduced.append((total, base))
                if base + 1 < width:
                    carry = Signal(min(end - base, width - base - 1),
                                   name=f"carry{level}_{n // 3}")
                    adders.d.comb += carry.eq((a & b) | (a & d) | (b & d))
                    reduced.append((carry, base + 1))
            rows = reduced + rows[len(rows) - len(rows) % 3:]  # the one or two left over
            level += 1
        m.d.comb += self.sum.eq(sum(value << shift for value, shift in rows))
        return m
