"""The Rice coder against :mod:`golden.rice`, codeword for codeword."""

import random

import pytest
from amaranth.hdl import Shape

from gateware.rice import LATENCY, RiceCoder
from gateware.rice_row import Row, circle, max_total, state_layout
from golden.rice import RiceAdapter, codeword, zigzag

from .harness import PATTERNS, run


def golden_codewords(errors, width, channels):
    """``(bits, length)`` of each residual, as :func:`golden.core.encode_stream`."""
    adapters = [RiceAdapter(width) for _ in range(channels)]
    words = []
    for i, error in enumerate(errors):
        adapter = adapters[i % channels]
        words.append(codeword(zigzag(error), adapter.k(), width))
        adapter.update(error)
    return words


def rtl_codewords(streams, width, channels, pattern="steady", **spram):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"error": e, "last": int(j == len(errors) - 1)}
        for errors in streams for j, e in enumerate(errors)
    ]
    result = run(RiceCoder(width, channels, **spram), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["bits"], item["length"]) for item in result.outputs]


def residuals(width, count, scale, seed=0):
    """Random residuals of magnitude up to about ``scale``, in the reduced range."""
    rng = random.Random(seed)
    half = 1 << (width - 1)
    return [max(-half, min(half - 1, round(rng.gauss(0, scale)))) for _ in range(count)]


EDGES = {
    "zeros": lambda w: [0] * 600,  # k falls to 0, A and N halve twice
    "largest": lambda w: [-(1 << (w - 1))] * 600,  # k rises to W - 1
    "small": lambda w: residuals(w, 600, 2),
    "large": lambda w: residuals(w, 600, 1 << (w - 2)),
    # quiet, then a jump: the quotient passes the escape threshold
    "escapes": lambda w: [0 if i % 37 else (1 << (w - 1)) - 1 for i in range(600)],
    "mixed": lambda w: residuals(w, 300, 3) + residuals(w, 300, 1 << (w - 3), 1),
}


@pytest.mark.parametrize("name", EDGES)
@pytest.mark.parametrize("channels", [1, 3])
def test_edges(name, channels):
    errors = EDGES[name](10)
    assert rtl_codewords([errors], 10, channels) == golden_codewords(errors, 10, channels)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_patterns(pattern):
    errors = residuals(10, 300, 20)
    assert rtl_codewords([errors], 10, 2, pattern) == golden_codewords(errors, 10, 2)


@pytest.mark.parametrize("width", [1, 2, 8, 16])
def test_widths(width):
    errors = residuals(width, 300, 1 << max(0, width - 4)) + EDGES["escapes"](width)[:100]
    assert rtl_codewords([errors], width, 1) == golden_codewords(errors, width, 1)


def test_streams_restart_every_channel():
    streams = [residuals(10, n, 50, n) for n in (5, 1, 11, 3)]
    expected = [c for errors in streams for c in golden_codewords(errors, 10, 4)]
    assert rtl_codewords(streams, 10, 4, "both") == expected


@pytest.mark.parametrize("width", [1, 10, 16])
def test_total_fits(width):
    adapter, bound = RiceAdapter(width), max_total(width)
    for _ in range(5000):
        adapter.update(-(1 << (width - 1)))
        assert adapter.total <= bound
    # the state holds A - 1 in as many positions as A has bits, and a carry a cell
    assert circle(width) == max_total(width).bit_length()
    for spram_bits in (0, 16):
        row = Row(width, spram_bits)
        assert Shape.cast(state_layout(width, spram_bits)).width == \
            circle(width) + len(row.cells)


def long_stream(width, channels):
    """Past the position of A's least significant bit going once round the circle: a
    halving every 128 rounds after the first 254, with runs of the largest magnitudes."""
    rounds = 254 + 128 * circle(width) + 50
    rng = random.Random(width)
    errors = []
    while len(errors) < rounds * channels:
        scale = rng.choice([0, 1, 1 << (width - 2), 1 << width])
        errors += residuals(width, rng.randrange(1, 200), scale, len(errors))
        if scale > 1 << (width - 2):
            errors += [-(1 << (width - 1))] * rng.randrange(1, 300)
    return errors[:rounds * channels]


@pytest.mark.parametrize("width, channels", [(10, 1), (4, 2)])
def test_long_streams(width, channels):
    errors = long_stream(width, channels)
    assert rtl_codewords([errors], width, channels) == golden_codewords(errors, width, channels)


@pytest.mark.parametrize("width", [4, 10])
def test_spram_rows(width):
    """With SPRAM banks the row has another mix of single and paired positions."""
    assert Row(width, 16).cells != Row(width).cells
    streams = [residuals(width, 7, 1 << (width - 2), 1), long_stream(width, 2)]
    expected = [c for errors in streams for c in golden_codewords(errors, width, 2)]
    assert rtl_codewords(streams, width, 2, "both", spram_bits=16) == expected


@pytest.mark.parametrize("channels, spram", [(1, {}), (4, {}), (64, {"spram_bits": 16})])
def test_one_a_clock(channels, spram):
    """Without backpressure a residual is taken every clock, and its codeword comes out
    LATENCY clocks later, every clock."""
    errors = residuals(10, 200, 30)
    inputs = [{"error": e, "last": int(j == len(errors) - 1)} for j, e in enumerate(errors)]
    result = run(RiceCoder(10, channels, **spram), inputs)
    assert result.stalls == 0
    assert result.input_cycles == list(range(len(errors)))
    assert result.output_cycles == [cycle + LATENCY for cycle in result.input_cycles]
    assert [(o["bits"], o["length"]) for o in result.outputs] == \
        golden_codewords(errors, 10, channels)
