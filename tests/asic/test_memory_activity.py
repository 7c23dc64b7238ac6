"""A memory's data activity measured from hand-made gate-level runs."""

import json

import pytest

from neurorice.asic.memory_activity import memory_activity
from neurorice.hardware.gatesim import GateRun


class _Memory:
    """A memory whose write data are an inverter's output (``d``, two bits) and whose read
    data (``q``) feed it back."""

    top = "m"

    def __init__(self):
        cells = {
            "encoder.rows": {"type": "$mem_v2", "connections": {
                "WR_DATA": [4, 6], "RD_DATA": [5, 7], "WR_EN": [3], "WR_ADDR": [],
                "RD_ADDR": []}},
            "inv0": {"type": "sky130_fd_sc_hd__inv_1", "connections": {"A": [5], "Y": [4]}},
            "inv1": {"type": "sky130_fd_sc_hd__inv_1", "connections": {"A": [7], "Y": [6]}},
        }
        module = {"ports": {"clk": {"direction": "input", "bits": [2]},
                            "en": {"direction": "input", "bits": [3]}},
                  "cells": cells, "netnames": {"clk": {"bits": [2]}, "en": {"bits": [3]},
                                               "d": {"bits": [4, 6]}, "q": {"bits": [5, 7]}}}
        self.netlist_json = json.dumps({"modules": {"m": module}})


def test_memory_data_activity_is_measured(pdk):
    """Write data toggles a bit a cycle, glitches (unit over zero delay) included; read data
    toggles at zero delay."""
    library, _ = pdk
    zero = GateRun(toggles={"d": [30, 10], "q": [20, 0]}, window=100, samples_in_window=100)
    unit = GateRun(toggles={"d": [20, 20], "q": [5, 0]}, window=10, samples_in_window=10)
    short = GateRun(toggles={"d": [3, 1], "q": [2, 0]}, window=10, samples_in_window=10)
    activity = memory_activity(_Memory(), library, zero, unit, short)
    write = (30 + 10) / 200 + (40 / 20 - 4 / 20)
    assert activity == {"encoder.rows": {"write": pytest.approx(write, rel=1e-6, abs=0),
                                         "read": 0.1}}
    # without a unit-delay run, the zero-delay toggles alone
    assert memory_activity(_Memory(), library, zero)["encoder.rows"]["write"] == 0.2
    # a memory whose data the runs did not dump keeps the model's assumption
    undumped = GateRun(toggles={"d": [30, 10]}, window=100, samples_in_window=100)
    assert memory_activity(_Memory(), library, undumped) == {}
