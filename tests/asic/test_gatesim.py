"""The mapped SKY130 netlist against the golden model, at gate level on real recordings."""

import pytest

from neurorice.asic import command, gatesim
from neurorice.asic.synthesis import synthesise
from neurorice import recordings
from neurorice.hardware import timing
from neurorice.hardware.stimulus import interleave
from neurorice.hardware.design import Design


def gate_level_runs(synthesis, design, library, models, samples_per_channel):
    """The netlist run with the cell models at zero and unit delay on recording segments:
    the two runs and :func:`timing.measure` of each against the golden model."""
    recs = recordings.load(recordings.DEFAULT_DATA, 4)
    samples = interleave(recs, design.channels, samples_per_channel * design.channels)
    zero, _ = gatesim.simulate(synthesis, library, models, samples, design.width,
                               design.word_width, 50, 200, glitches=False)
    _, unit = gatesim.simulate_unit(synthesis, library, models, samples, design.width,
                                    design.word_width, 50, 200)
    measured = [timing.measure(samples, run, design.width, design.channels, design.word_width)
                for run in (zero, unit)]
    return zero, unit, measured


@pytest.mark.parametrize("channels, samples_per_channel, low_power",
                         [(1, 80, False), (16, 12, False), (1, 64, True)])
def test_mapped_netlist_is_the_golden_model(pdk, channels, samples_per_channel, low_power):
    """The SKY130 netlist, simulated with the PDK's cell models with and without unit gate
    delays, gives the golden model's words on real recording segments; so does the
    low-power variant, its flip-flops on integrated clock gates."""
    library, models = pdk
    design = Design(channels, low_power=low_power)
    synthesis = synthesise(design.verilog(), design.top(), library, command.CLOCK_MHZ,
                           clock_gating=low_power)
    assert synthesis.flops > 1000 and synthesis.area_um2 > 50_000
    assert (synthesis.clock_gates > 50) == low_power
    if low_power:  # only an enable of a single flip-flop keeps its hold multiplexer
        assert synthesis.cells.get("sky130_fd_sc_hd__edfxtp_1", 0) < 10
    zero, unit, measured = gate_level_runs(synthesis, design, library, models,
                                           samples_per_channel)
    for m in measured:
        assert m["matches_golden"] and m["words"] > samples_per_channel // 8
    # the unit-delay run glitches: more toggles than the zero-delay one
    assert sum(map(sum, unit.toggles.values())) > sum(map(sum, zero.toggles.values()))


@pytest.mark.parametrize("channels, samples_per_channel, gated",
                         [(1, 300, False), (8, 40, False), (1, 300, True)])
def test_compact_netlist_is_the_golden_model(pdk, channels, samples_per_channel, gated):
    """The compact ASIC encoder's netlist (a sample a clock, the state in flip-flops or, with
    more channels, in memory rows; its clocks gated or not) gives the golden model's words
    at zero and unit delay."""
    library, models = pdk
    design = Design(channels, compact=True, low_power=gated)
    synthesis = synthesise(design.verilog(), design.top(), library, command.CLOCK_MHZ,
                           clock_gating=gated)
    # the state (one channel) or the row on its way to the memory, and the words'
    # registers: nothing of the FPGA's pipeline
    assert 300 < synthesis.flops < 400
    assert len(synthesis.memories) == (0 if channels == 1 else 1)
    assert (synthesis.clock_gates > 5) == gated
    for m in gate_level_runs(synthesis, design, library, models, samples_per_channel)[2]:
        assert m["matches_golden"] and m["samples_per_cycle"] > 0.99


def test_compact_memory_as_flip_flops_is_the_golden_model(pdk):
    """With ``memory_flops`` the compact encoder's state rows are a flip-flop array, a row
    on its own clock gates, simulated with the rest; the words are the golden model's."""
    library, models = pdk
    channels = 4
    design = Design(channels, compact=True, low_power=True)
    synthesis = synthesise(design.verilog(), design.top(), library, command.CLOCK_MHZ,
                           clock_gating=True, memory_flops=True)
    assert synthesis.memories == []
    assert synthesis.flops > 300 + channels * 164
    # every row's flip-flops on the row's clock gates (at most 16 flip-flops a gate)
    assert synthesis.clock_gates >= channels * 164 // 16
    for m in gate_level_runs(synthesis, design, library, models, 40)[2]:
        assert m["matches_golden"] and m["samples_per_cycle"] > 0.99


def test_compact_memory_as_latch_array_is_the_golden_model(pdk):
    """With ``memory_latches`` the compact encoder's state rows are the banked latch array
    the memory model prices (two banks of two rows here, so the banks' decoders and read
    trees are built too), written on the clock's low phase and simulated with the rest; the
    words are the golden model's at zero and unit delay."""
    library, models = pdk
    channels = 4
    design = Design(channels, compact=True, low_power=True)
    synthesis = synthesise(design.verilog(), design.top(), library, command.CLOCK_MHZ,
                           clock_gating=True, memory_latches=True, rows_per_bank=2)
    assert synthesis.memories == []
    (array,) = synthesis.latch_arrays
    assert (array["width"], array["depth"], array["banks"]) == (164, channels, 2)
    kinds = synthesis.kinds(library)
    assert kinds["latches"] == channels * 164
    # the rows' and banks' clock gates besides the flip-flops'
    assert synthesis.cells["sky130_fd_sc_hd__dlclkp_1"] >= channels + 2
    for m in gate_level_runs(synthesis, design, library, models, 24)[2]:
        assert m["matches_golden"] and m["samples_per_cycle"] > 0.99
