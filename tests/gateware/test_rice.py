"""The Rice coder against :mod:`golden.rice`, codeword for codeword."""

import random

import pytest
from amaranth.hdl import Shape

from gateware.rice import RiceCoder, max_total, state_layout
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


def rtl_codewords(streams, width, channels, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"error": e, "last": int(j == len(errors) - 1)}
        for errors in streams for j, e in enumerate(errors)
    ]
    result = run(RiceCoder(width, channels), inputs, idle=idle, backpressure=backpressure)
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
    assert Shape.cast(state_layout(width)["total"].shape).width == max_total(width).bit_length()
