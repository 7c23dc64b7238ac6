"""A width table (:class:`golden.adc.AdcTable`) as the C core takes it: its codes' edges.

The C core's ``"adc"`` back end (``interval.c``) reads a table only as ``edge(0) ..
edge(2**W)``, native int32, so that C never parses tables: each code's width is the
difference of two edges and its centre follows from both. The edges of a table are the
running sum of its codes' widths, which is :meth:`~golden.adc.AdcTable.edge` code by code;
they are kept for the few tables a process uses.

Built with ``struct``, not ``array``: importing ``array`` imports ``collections``, which would
add 2 ms to every ``./encode`` and ``./decode`` process (:mod:`neurorice.fast.container`).
"""

import struct
from itertools import accumulate

from golden import adc

#: How many tables' edges a process keeps.
KEPT = 8

_kept = {}


def edges(table, width):
    """``edge(0) .. edge(2**width)`` of ``table`` as native int32 bytes.

    Raises ``ValueError`` as :meth:`golden.adc.AdcTable.check` does, whose messages the
    golden model gives for a table that does not fit ``width``-bit codes.
    """
    table.check(width)
    key = (table, width)
    found = _kept.get(key)
    if found is None:
        codes = 1 << width
        widths = list(table.widths) * (codes // table.period)
        for code, code_width in table.exceptions.items():
            widths[code] = code_width
        found = struct.pack(f"{codes + 1}i", *accumulate(widths, initial=0))
        if len(_kept) >= KEPT:
            _kept.pop(next(iter(_kept)))
        _kept[key] = found
    return found


def back_end(coder, width, table):
    """The C module's keywords for ``coder``: ``arith``, or the ``edges`` of the ``"adc"``
    back end's ``table`` (:func:`golden.adc.default` of ``width`` if None)."""
    if coder == "adc":
        return {"edges": edges(adc.default(width) if table is None else table, width)}
    return {"arith": coder == "arith"}
