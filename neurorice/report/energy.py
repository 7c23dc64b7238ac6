"""The energy model: a named process, its cited constants, and what follows from them.

Dynamic energy is counted per toggle of a net, as the energy of charging the gate inputs
the net drives: ``E = 1/2 * fanout * C_pin * V**2``, ``C_pin`` being a minimum NAND2's
input pin, or for the clock net a minimum flip-flop's clock pin; leakage as that of a
minimum NAND2 for every gate and of a minimum flip-flop for every flip-flop; each access
to the channels' state memories as a per-bit SRAM access energy. Every constant below is
cited; nothing else in the power estimate is entered by hand.

The SKY130 figures were checked against the library as published by SkyWater and Google
(repository ``google/skywater-pdk-libs-sky130_fd_sc_hd``), whose Liberty data is kept
per cell as JSON: ``cells/<cell>/sky130_fd_sc_hd__<cell>_1__tt_025C_1v80.lib.json`` (the
cell's group of ``sky130_fd_sc_hd__tt_025C_1v80.lib``), with the library's units in
``timing/sky130_fd_sc_hd__common.lib.json`` (``capacitive_load_unit`` 1 pF,
``leakage_power_unit`` 1 nW) and the corner in ``timing/sky130_fd_sc_hd__tt_025C_1v80.lib.json``
(``nom_voltage`` 1.8).
"""

__all__ = ["CONSTANTS", "LIBRARY", "PROCESS", "SAMPLE_RATE_HZ", "clock_pin_toggle_energy",
           "pin_toggle_energy"]

#: The process class of the logic constants.
PROCESS = ("SkyWater SKY130 (130 nm), sky130_fd_sc_hd standard cells, typical corner "
           "(tt, 25 °C, 1.8 V)")

#: Where the SKY130 constants were read (and checked).
LIBRARY = ("google/skywater-pdk-libs-sky130_fd_sc_hd, Liberty data of "
           "sky130_fd_sc_hd__tt_025C_1v80.lib (per cell in cells/*/…__tt_025C_1v80.lib.json; "
           "units in timing/sky130_fd_sc_hd__common.lib.json: capacitance in pF, leakage "
           "in nW)")

#: Each constant: value in SI units, and its source.
CONSTANTS = {
    # timing/sky130_fd_sc_hd__tt_025C_1v80.lib.json: nom_voltage 1.8, voltage_map VPWR 1.8
    "supply_v": (1.8, "sky130_fd_sc_hd__tt_025C_1v80.lib: nom_voltage 1.8 V, VPWR 1.8 V "
                      "(timing/sky130_fd_sc_hd__tt_025C_1v80.lib.json); checked"),
    # cells/nand2/sky130_fd_sc_hd__nand2_1__tt_025C_1v80.lib.json, pin A: capacitance
    # 0.002315 (pF; pin B: 0.002324)
    "pin_capacitance_f": (2.315e-15, "sky130_fd_sc_hd__tt_025C_1v80.lib, cell "
                                     "sky130_fd_sc_hd__nand2_1, pin A: capacitance "
                                     "0.002315 pF (cells/nand2/sky130_fd_sc_hd__nand2_1"
                                     "__tt_025C_1v80.lib.json); checked"),
    # cells/dfxtp/sky130_fd_sc_hd__dfxtp_1__tt_025C_1v80.lib.json, pin CLK: capacitance
    # 0.001794 (pF)
    "clock_pin_capacitance_f": (1.794e-15, "sky130_fd_sc_hd__tt_025C_1v80.lib, cell "
                                           "sky130_fd_sc_hd__dfxtp_1, pin CLK: capacitance "
                                           "0.001794 pF (cells/dfxtp/sky130_fd_sc_hd__dfxtp_1"
                                           "__tt_025C_1v80.lib.json); checked"),
    # cells/nand2/sky130_fd_sc_hd__nand2_1__tt_025C_1v80.lib.json: cell_leakage_power
    # 0.00211796 (nW)
    "gate_leakage_w": (2.11796e-12, "sky130_fd_sc_hd__tt_025C_1v80.lib, cell "
                                    "sky130_fd_sc_hd__nand2_1: cell_leakage_power "
                                    "0.00211796 nW (cells/nand2/sky130_fd_sc_hd__nand2_1"
                                    "__tt_025C_1v80.lib.json); checked"),
    # cells/dfxtp/sky130_fd_sc_hd__dfxtp_1__tt_025C_1v80.lib.json: cell_leakage_power
    # 0.008438635 (nW)
    "flop_leakage_w": (8.438635e-12, "sky130_fd_sc_hd__tt_025C_1v80.lib, cell "
                                     "sky130_fd_sc_hd__dfxtp_1: cell_leakage_power "
                                     "0.008438635 nW (cells/dfxtp/sky130_fd_sc_hd__dfxtp_1"
                                     "__tt_025C_1v80.lib.json); checked"),
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


def clock_pin_toggle_energy():
    """Joules to charge or discharge one flip-flop's clock pin: ``C_clk * V**2 / 2``."""
    return value("clock_pin_capacitance_f") * value("supply_v") ** 2 / 2
