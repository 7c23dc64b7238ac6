""":func:`golden.core.encode` and :func:`golden.core.decode` in C: same results, same errors.

Both take and give lists of ints, as the golden functions do; :mod:`neurorice.fast.container`
calls the C module directly on packed 16-bit arrays instead, which saves the lists.
"""

from array import array

from golden.container import samples_a_bit
from golden.core import check_parameters
from golden.near import check_near

from . import require
from .edges import back_end
from .order import ranked, restored

_core = require()


def encode(samples, width, channels=1, *, coder="rice", near=0, table=None):
    """The coded stream of the sequence ``samples`` as bytes, as :func:`golden.core.encode`."""
    check_parameters(width, channels, coder)
    check_near(near, width)
    options = back_end(coder, width, table)
    if not isinstance(samples, (list, tuple, range, array)):
        samples = list(samples)  # read twice on an error
    try:
        values = ranked(array("H", samples), coder, near, table, width)
    except OverflowError:
        values = None
    if values is None:
        # a value outside 0 .. 65535, or beyond the order's codes: golden's error names the
        # first bad sample
        limit = 1 << width
        for i, sample in enumerate(samples):
            if not 0 <= sample < limit:
                raise ValueError(f"sample {i} is {sample!r}, not a {width}-bit unsigned value")
    return _core.encode(values, width, channels, near=near, **options)


def decode(data, count, width, channels=1, *, coder="rice", near=0, table=None):
    """Decode ``count`` samples from ``data`` into a list, as :func:`golden.core.decode`."""
    check_parameters(width, channels, coder)
    check_near(near, width)
    options = back_end(coder, width, table)
    # a codeword has at least one bit, an arithmetic-coded sample a fixed fraction of one
    # (golden.container.samples_a_bit), so decoding fails before the 8 * len(data) + 1st
    # sample (that many times as many)
    count = max(0, min(count, samples_a_bit(coder) * 8 * len(data) + 1))
    samples = array("H")
    samples.frombytes(restored(_core.decode(data, count, width, channels, near=near, **options),
                               coder, near, table, width))
    return samples.tolist()
