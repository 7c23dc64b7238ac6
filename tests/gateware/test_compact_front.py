"""The compact encoders' front end: its constants against the golden model.

The prediction and the successor run in every test of the encoders that use them
(``test_compact.py``, ``test_compact_interval.py``), against the golden model word for word.
"""

import pytest
from amaranth.hdl import Shape

from gateware.compact_front import reset_state, rice_k, state_layout
from golden import predictor as gp
from golden import rice as gr


@pytest.mark.parametrize("width", [1, 4, 10, 16])
def test_rice_k(width):
    # the comparisons' count, evaluated on integers, is the golden model's search
    bound = (gr.RESET << (width - 1)) + 1
    for count in range(1, gr.RESET):
        for total in range(0, bound, max(1, bound // 997)):
            assert rice_k(width, count, total) == gr.rice_k(total, count, width)


@pytest.mark.parametrize("width", [1, 10, 16])
def test_reset_state(width):
    golden = gp.Predictor(width)
    reset = reset_state(width)
    assert reset["last"] == golden.history[0]
    assert reset["averages"] == golden.averages
    assert reset["weights"] == golden.weights
    assert [f["magnitude"] for f in reset["features"]] == [abs(f) for f in golden.features()]
    assert reset["total"] == gr.RiceAdapter(width).total


def test_row_width():
    # a channel's row, as docs/ASIC.md gives it for 10-bit samples
    assert Shape.cast(state_layout(10)).width == 164
