"""The energy model: a named process, its cited constants, and what follows from them.

Dynamic energy is counted per toggle of a net, as the energy of charging the gate inputs
the net drives: ``E = 1/2 * fanout * C_pin * V**2`` (``C_pin`` of a minimum NAND2 input);
leakage as that of a minimum NAND2 for every one-bit cell; each access to the channels'
state memories as a per-bit SRAM access energy. Every constant below is cited; nothing else
in the power estimate is entered by hand.
"""

__all__ = ["CONSTANTS", "PROCESS", "SAMPLE_RATE_HZ", "pin_toggle_energy"]

#: The process class of the logic constants.
PROCESS = ("SkyWater SKY130 (130 nm), sky130_fd_sc_hd standard cells, typical corner "
           "(tt, 25 °C, 1.8 V)")

#: Each constant: value in SI units, and its source.
CONSTANTS = {
    "supply_v": (1.8, "sky130_fd_sc_hd__tt_025C_1v80.lib: the typical corner's nominal "
                      "voltage (SkyWater SKY130 open PDK)"),
    "pin_capacitance_f": (2.315e-15, "sky130_fd_sc_hd__tt_025C_1v80.lib, cell "
                                     "sky130_fd_sc_hd__nand2_1, pin A: capacitance "
                                     "0.002315 pF"),
    "gate_leakage_w": (2.118e-12, "sky130_fd_sc_hd__tt_025C_1v80.lib, cell "
                                  "sky130_fd_sc_hd__nand2_1: cell_leakage_power "
                                  "0.00211796 nW"),
    "sram_energy_per_bit_j": (10e-12 / 64, "M. Horowitz, \"Computing's energy problem (and "
                                           "what we can do about it)\", ISSCC 2014: 10 pJ "
                                           "to read 64 bits from an 8 KB SRAM, 45 nm, 0.9 V"),
}

#: The sample rate of a channel, from the challenge: about 20 kHz (19531 Hz in the files).
SAMPLE_RATE_HZ = 20_000


def value(name):
    """The value of constant ``name``."""
    return CONSTANTS[name][0]


def pin_toggle_energy():
    """Joules to charge or discharge one gate input: ``C_pin * V**2 / 2``."""
    return value("pin_capacitance_f") * value("supply_v") ** 2 / 2
