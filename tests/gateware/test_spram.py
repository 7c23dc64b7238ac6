# amaranth: UnusedElaboratable=no
"""The encoder with its state partly in SPRAM banks (as built for the iCE40), word for word."""

import pytest

from gateware.encoder import Encoder
from gateware.spram import SinglePortRam

from . import cases
from .harness import PATTERNS, run
from .test_encoder import golden_words


def rtl_words(streams, channels, pattern):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"sample": x, "last": int(j == len(samples) - 1)}
        for samples in streams for j, x in enumerate(samples)
    ]
    result = run(Encoder(10, channels, state_memory="spram-model"), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("channels", [2, 6])
def test_matches_golden(pattern, channels):
    # Streams shorter than a round, and ending on odd and even channels: the first item of
    # a stream may share a bank with the last of the one before.
    streams = [cases.make("escapes", 10, 150), cases.make("random", 10, 5, seed=1),
               cases.make("walk", 10, 9, seed=2), cases.make("walk", 10, 200, seed=3)]
    assert rtl_words(streams, channels, pattern) == golden_words(streams, 10, channels)


def test_recordings_as_channels():
    segments = cases.recordings(count=4, length=600)
    interleaved = [x for group in zip(*(codes for _, codes in segments)) for x in group]
    assert rtl_words([interleaved], 4, "both") == golden_words([interleaved], 10, 4)


def test_validation():
    with pytest.raises(ValueError, match=r"SPRAM state needs an even channel count, not 3"):
        Encoder(10, 3, state_memory="ice40")
    with pytest.raises(ValueError, match=r"state memory must be one of generic, ice40, "):
        Encoder(10, 4, state_memory="ebr")
    with pytest.raises(ValueError, match=r"SPRAM depth must be 1..16384 words, not 16385"):
        SinglePortRam(16385)
