"""A run's words against the golden model's: the first difference and the count."""

import numpy as np

from neurorice import harness
from neurorice.verify import comparison


def test_compare():
    expected = [(1, 0), (2, 0), (3, 1)]

    def words(pairs):
        out = np.zeros(len(pairs), dtype=harness.WORD_DTYPE)
        for j, (word, last) in enumerate(pairs):
            out[j] = (word, last)
        return out

    assert comparison.compare(expected, words(expected)) is None
    mismatch = comparison.compare(expected, words([(1, 0), (9, 0), (3, 0)]))
    assert (mismatch.count, mismatch.index, mismatch.expected, mismatch.got) == \
        (2, 1, (2, 0), (9, 0))
    assert "first at word 1: expected 00000002 last=0, got 00000009 last=0" in \
        mismatch.describe()
    short = comparison.compare(expected, words(expected[:2]))
    assert (short.count, short.index, short.got) == (1, 2, None)
