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
