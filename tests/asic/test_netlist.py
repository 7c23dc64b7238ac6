"""The nets of a mapped netlist: a memory's block, and the logic that writes it."""

import json

from neurorice.asic.netlist import Netlist


def test_logic_writing_a_memory_takes_the_memorys_block(pdk):
    """The compact encoder's state rows (``encoder.rows``) are the state memory; the logic
    that computes what they store is the state's update, the predictor's block, as the
    one-channel encoder's state flip-flops (``encoder.state``) are."""
    library, _ = pdk
    cells = {
        "encoder.rows": {"type": "$mem_v2", "connections": {
            "WR_DATA": [4], "RD_DATA": [5], "WR_EN": [3], "WR_ADDR": [], "RD_ADDR": []}},
        "inv": {"type": "sky130_fd_sc_hd__inv_1", "connections": {"A": [5], "Y": [4]}},
    }
    module = {"ports": {"clk": {"direction": "input", "bits": [2]},
                        "en": {"direction": "input", "bits": [3]}},
              "cells": cells, "netnames": {"clk": {"bits": [2]}, "en": {"bits": [3]},
                                           "d": {"bits": [4]}, "q": {"bits": [5]}}}
    netlist = Netlist(json.dumps({"modules": {"m": module}}), "m", library)
    assert netlist.blocks == {"encoder.rows": "state memory", "inv": "predictor"}
    assert netlist.memory_read == {5: "encoder.rows"}


def test_registers_are_the_signals_their_flip_flops_and_logic_feed(pdk):
    """Two registers, each bit's flip-flop named after its bit (``count[0]``, ``count[1]``)
    or not: logic takes the register it feeds, the bits of one signal are one register,
    and Yosys's own names (``$...``, ``_123_``) name nothing."""
    library, _ = pdk
    flop = "sky130_fd_sc_hd__dfxtp_1"
    cells = {
        "ff0": {"type": flop, "connections": {"CLK": [2], "D": [10], "Q": [20]}},
        "ff1": {"type": flop, "connections": {"CLK": [2], "D": [11], "Q": [21]}},
        "ff2": {"type": flop, "connections": {"CLK": [2], "D": [12], "Q": [22]}},
        "xor": {"type": "sky130_fd_sc_hd__xor2_1", "connections": {"A": [20], "B": [21],
                                                                   "X": [11]}},
        "inv": {"type": "sky130_fd_sc_hd__inv_1", "connections": {"A": [20], "Y": [10]}},
        "and": {"type": "sky130_fd_sc_hd__and2_1", "connections": {"A": [20], "B": [21],
                                                                   "X": [12]}},
    }
    nets = {"clk": [2], "encoder.count[0]": [20], "encoder.count[1]": [21],
            "encoder.carry": [22], "_7_": [22], "$abc$1$n": [12]}
    module = {"ports": {"clk": {"direction": "input", "bits": [2]}}, "cells": cells,
              "netnames": {k: {"bits": v} for k, v in nets.items()}}
    netlist = Netlist(json.dumps({"modules": {"m": module}}), "m", library)
    assert netlist.registers == {"ff0": "count", "ff1": "count", "ff2": "carry",
                                 "xor": "count", "inv": "count", "and": "carry"}
