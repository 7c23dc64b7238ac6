"""The Liberty reader against values read off SKY130's Liberty file by hand."""

import pytest


def test_liberty_reads_the_library_as_written(pdk):
    library, _ = pdk
    assert library.voltage == 1.8 and len(library.cells) == 428
    flop = library.cells["sky130_fd_sc_hd__dfrtp_1"]
    assert flop.area == 25.024 and flop.sequential
    assert flop.pins["CLK"].clock and flop.pins["CLK"].capacitance == 0.001788
    _, rise, fall = flop.pins["CLK"].internal[0]
    # at an index point the table's own values; between two, the straight line
    assert rise.lookup(0.01) == 0.0162692 and fall.lookup(1.5) == pytest.approx(
        fall.values[0][-1])
    mid = (0.0531329 + 0.122474) / 2
    assert rise.lookup(mid) == pytest.approx((0.0160027 + 0.0160178) / 2)
    assert library.cells["sky130_fd_sc_hd__dlclkp_1"].clock_gate
    # the wire-load model "Small": fanout 1 is 23.2746 µm at 1.42e-5 pF/µm
    assert library.wire_capacitance(1) == pytest.approx(23.2746 * 1.42e-5)
    assert library.wire_capacitance(8) == pytest.approx((84.2649 + 2 * 8.3631) * 1.42e-5)
