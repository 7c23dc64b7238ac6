# amaranth: UnusedElaboratable=no
"""The encoder with the arithmetic back end against ``encode_stream(..., coder="arith")``."""

import pytest

from gateware.encoder import Encoder
from golden.bits import BitWriter
from golden.core import encode_stream

from . import cases
from .harness import PATTERNS, run


def golden_words(streams, width, channels, word_width=32):
    out = []
    for samples in streams:
        writer = encode_stream(samples, width, channels, BitWriter(word_width), coder="arith")
        words = writer.flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_encode(streams, width, channels, word_width=32, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"sample": x, "last": int(j == len(samples) - 1)}
        for samples in streams for j, x in enumerate(samples)
    ]
    result = run(Encoder(width, channels, word_width, coder="arith"), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.mark.parametrize("name", cases.NAMES)
@pytest.mark.parametrize("channels", [1, 3])
def test_cases(name, channels):
    samples = cases.make(name, 10, 400)
    assert rtl_encode([samples], 10, channels)[0] == golden_words([samples], 10, channels)
