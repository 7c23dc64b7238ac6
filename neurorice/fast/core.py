""":func:`golden.core.encode` and :func:`golden.core.decode` in C: same results, same errors.

Both take and give lists of ints, as the golden functions do; :mod:`neurorice.fast.container`
calls the C module directly on packed 16-bit arrays instead, which saves the lists.
"""

from array import array

from golden.container import ARITH_SAMPLES_A_BIT
from golden.core import check_parameters

from . import require

_core = require()


def encode(samples, width, channels=1, *, coder="rice"):
    """The coded stream of the sequence ``samples`` as bytes, as :func:`golden.core.encode`."""
    check_parameters(width, channels, coder)
    try:
        values = array("H", samples)
    except OverflowError:
        # a value outside 0 .. 65535: golden's error names the first bad sample
        limit = 1 << width
        for i, sample in enumerate(samples):
            if not 0 <= sample < limit:
                raise ValueError(
                    f"sample {i} is {sample!r}, not a {width}-bit unsigned value") from None
        raise
    return _core.encode(values, width, channels, coder == "arith")


def decode(data, count, width, channels=1, *, coder="rice"):
    """Decode ``count`` samples from ``data`` into a list, as :func:`golden.core.decode`."""
    check_parameters(width, channels, coder)
    # a codeword has at least one bit (arithmetic coded: 1/2048 of one), so decoding fails
    # before the 8 * len(data) + 1st sample (2048 * 8 * len(data) + 1st)
    per_bit = ARITH_SAMPLES_A_BIT if coder == "arith" else 1
    count = max(0, min(count, per_bit * 8 * len(data) + 1))
    samples = array("H")
    samples.frombytes(_core.decode(data, count, width, channels, coder == "arith"))
    return samples.tolist()
