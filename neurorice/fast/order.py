"""The rank order of :mod:`golden.order` on the C module's packed arrays.

The C module codes the samples it is given; ranking the codes (and restoring them) is a
lookup in a table of 65536 entries through ``values_to_codes``, which the container already
uses for the lattice: ``ranks`` for the encoder, ``codes`` for the decoder. Tables are kept
for the few orders a process uses.
"""

import struct

from golden import order as spec

from . import require

_core = require()
_kept = {}


def _padded(entries):
    """A lookup table of ``values_to_codes``: the entries, then 0xFFFF (no code) for the
    rest of the 16-bit values; bytes, not 65,536 ints."""
    return struct.pack(f"{len(entries)}H", *entries) + b"\xff\xff" * ((1 << 16) - len(entries))


def _tables(order):
    found = _kept.get(order)
    if found is None:
        found = _padded(order.ranks), _padded(order.codes)
        if len(_kept) >= 8:
            _kept.pop(next(iter(_kept)))
        _kept[order] = found
    return found


def ranked(values, coder, near, table, width):
    """The packed native uint16 ``values`` as the stream codes them (:func:`spec.for_stream`)."""
    order = spec.for_stream(coder, near, table, width)
    if order.identity:
        return values
    return _core.values_to_codes(values, _tables(order)[0])


def restored(values, coder, near, table, width):
    """The packed native uint16 coded ``values`` of a decoded stream as codes."""
    order = spec.for_stream(coder, near, table, width)
    if order.identity:
        return values
    return _core.values_to_codes(values, _tables(order)[1])
