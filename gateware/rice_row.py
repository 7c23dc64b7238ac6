"""A channel's Rice state ``A - 1`` as the pipelined coder keeps it: carry-save, round a circle.

``A`` is kept as ``A - 1``, so that ``k > j`` is ``N <= (A - 1) >> j``, a comparison as
wide as ``N``, and the halving ``(A + |e| + 1) >> 1`` is ``(A - 1 + |e|) >> 1``, a floor.
Its loop must fit a cycle together with the memory's read and write routing, which on an
iCE40 with the state in SPRAM leaves two or three levels of logic; a binary adder and the
shift of the halving take far more. So ``A - 1`` is stored in a form without either:

* carry-save: a carry out is stored, as the carry in at the channel's next residual,
  rather than propagated; at every position, or every other one (:class:`Row`);
* rotated round a circle of ``L`` positions: halved, ``A - 1`` is not shifted right but
  stays in place, its least significant bit one position further round (the epoch, a
  function of the round too). The bit the floor drops is cleared, and becomes the top
  position. The circle holds ``A - 1 + |e|`` before the halving, so no carry ever leaves
  the top position: none crosses to the bottom.
"""

from amaranth.lib import data

from golden import rice as model

__all__ = ["Row", "circle", "max_total", "state_layout"]


def max_total(width):
    """The largest ``A`` a channel reaches: every residual of the largest magnitude, until
    the state repeats (``A`` grows with every magnitude, and ``N`` ignores them)."""
    adapter = model.RiceAdapter(width)
    seen = set()
    largest = adapter.total
    while (adapter.total, adapter.count) not in seen:
        seen.add((adapter.total, adapter.count))
        adapter.update(-(1 << (width - 1)))
        largest = max(largest, adapter.total)
    return largest


def circle(width):
    """``L``, the positions of the circle that holds ``A - 1``: enough for the largest
    ``A - 1 + |e|``, before a halving (every residual of the largest magnitude)."""
    adapter = model.RiceAdapter(width)
    largest = 1 << (width - 1)
    seen = set()
    total = 0
    while (adapter.total, adapter.count) not in seen:
        seen.add((adapter.total, adapter.count))
        total = max(total, adapter.total - 1 + largest)
        adapter.update(-largest)
    return total.bit_length()


class Row:
    """A channel's ``A - 1`` in its row: the carry-save cells round the circle, and where
    each cell's bits and carry in lie.

    A cell is a single position (its bit and the carry into it) or a pair of positions
    sharing the carry into the lower. A single position's bit and carry out, and a pair's
    lower bit, take two levels of logic to update; a pair's upper bit and carry out take
    three. Pairs cost fewer bits, singles less time: the row has as many pairs as leaves
    ``spram_bits`` bits of two levels, which come first in the row, so that the
    single-port RAMs that hold the row's low bits (SPRAM, far from the logic) take only
    those.

    Attributes
    ----------
    positions : int
        ``L``, the circle's positions (:func:`circle`).
    cells : list of (int, int)
        Each cell's lowest position and size (1 or 2), the singles first.
    layout : data.StructLayout
        The row: ``quick``, the bits and carries updated in two levels, then ``slow``.
    """

    def __init__(self, width, spram_bits=0):
        self.positions = positions = circle(width)
        pairs = positions // 2
        while pairs and 2 * (positions - 2 * pairs) + pairs < spram_bits:
            pairs -= 1
        singles = positions - 2 * pairs
        self.cells = ([(p, 1) for p in range(singles)] +
                      [(p, 2) for p in range(singles, positions, 2)])
        quick = [("bit", p) for p, _ in self.cells]
        slow = [("bit", p + 1) for p, size in self.cells if size == 2]
        for index in range(len(self.cells)):  # the carry out of the cell before
            (quick if self.cells[index - 1][1] == 1 else slow).append(("carry", index))
        self._offsets = {entry: offset for offset, entry in enumerate(quick + slow)}
        self.layout = data.StructLayout({"quick": len(quick), "slow": len(slow)})

    def bit(self, row, position):
        """The bit at ``position`` of the view ``row``."""
        return row.as_value()[self._offsets["bit", position]]

    def carry(self, row, index):
        """The carry into cell ``index`` of the view ``row``."""
        return row.as_value()[self._offsets["carry", index]]

    def init(self, total):
        """The row of ``A - 1 = total``, with the least significant bit at position 0."""
        value = sum((total >> p & 1) << self._offsets["bit", p] for p in range(self.positions))
        quick = self.layout["quick"].width
        return {"quick": value & ((1 << quick) - 1), "slow": value >> quick}


def state_layout(width, spram_bits=0):
    """The state of one channel: ``A - 1``, rotated round a circle, as a bit a position
    and the carry into each cell (:class:`Row`); ``A - 1`` is their sum."""
    return Row(width, spram_bits).layout
