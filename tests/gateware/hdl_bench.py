"""cocotb bench of a generated Verilog encoder: samples in, words out, against the model.

``test_hdl.py`` runs it in Icarus through ``cocotb_tools.runner``; the case is the JSON file
named by ``NEURORICE_BENCH``: the ``streams`` of samples, the ``expected`` ``[word, last]``
pairs of :func:`golden.core.encode_stream`, and the ``idle`` and ``backpressure``
probabilities of the source and the sink.
"""

import json
import os
import pathlib
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge


@cocotb.test()
async def encode(dut):
    case = json.loads(pathlib.Path(os.environ["NEURORICE_BENCH"]).read_text())
    width, word_width = case["width"], case["word_width"]
    inputs = [(x, j == len(s) - 1) for s in case["streams"] for j, x in enumerate(s)]
    expected = [tuple(pair) for pair in case["expected"]]
    rng = random.Random(case["seed"])

    Clock(dut.clk, 10, unit="ns").start()
    dut.rst.value = 1
    dut.i__valid.value = 0
    dut.o__ready.value = 0
    for _ in range(3):
        await RisingEdge(dut.clk)
    dut.rst.value = 0

    words = []
    sent = 0
    offering = False
    tail = None
    for _ in range(20 * len(inputs) + 100):
        if not offering and sent < len(inputs) and rng.random() >= case["idle"]:
            offering = True
            sample, last = inputs[sent]
            dut.i__payload.value = sample | (last << width)
        dut.i__valid.value = int(offering)
        taking = rng.random() >= case["backpressure"]
        dut.o__ready.value = int(taking)
        await RisingEdge(dut.clk)
        # the handshakes of the cycle that this edge ends
        if offering and dut.i__ready.value:
            sent += 1
            offering = False
        if taking and dut.o__valid.value:
            payload = int(dut.o__payload.value)
            words.append((payload & ((1 << word_width) - 1), payload >> word_width))
        if tail is None and len(words) == len(expected):
            tail = 8
        elif tail is not None:
            tail -= 1
            if not tail:
                break
    assert sent == len(inputs), f"{len(inputs) - sent} samples were never taken"
    assert words == expected
