"""The predictor against :mod:`golden.predictor`, residual for residual."""

import pytest

from gateware.predictor import LATENCY, WEIGHT_SPAN, Predictor
from golden.predictor import Predictor as Model
from golden.rice import reduce

from . import cases
from .harness import PATTERNS, run


def golden_residuals(samples, width, channels):
    """``reduce(x - predict(), W)`` of each sample, as :func:`golden.core.encode_stream`."""
    models = [Model(width) for _ in range(channels)]
    errors = []
    for i, sample in enumerate(samples):
        model = models[i % channels]
        prediction = model.predict()
        errors.append(reduce(sample - prediction, width))
        model.update(sample, prediction)
    return errors


def rtl_residuals(streams, width, channels, pattern="steady", low_power=False):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"sample": x, "last": int(j == len(samples) - 1)}
        for samples in streams for j, x in enumerate(samples)
    ]
    result = run(Predictor(width, channels, low_power=low_power), inputs, idle=idle,
                 backpressure=backpressure)
    return [item["error"] for item in result.outputs]


@pytest.mark.parametrize("name", cases.NAMES)
@pytest.mark.parametrize("channels", [1, 3])
def test_cases(name, channels):
    samples = cases.make(name, 10, 300)
    assert rtl_residuals([samples], 10, channels) == golden_residuals(samples, 10, channels)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("channels", [1, 2, 5])
def test_patterns(pattern, channels):
    samples = cases.make("random", 10, 200)
    assert rtl_residuals([samples], 10, channels, pattern) == \
        golden_residuals(samples, 10, channels)


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("channels", [1, 9])
def test_low_power(pattern, channels):
    """The ASIC's variant, stage registers loaded only as an item enters: the same
    residuals, bubbles and backpressure included."""
    samples = cases.make("random", 10, 200)
    assert rtl_residuals([samples], 10, channels, pattern, low_power=True) == \
        golden_residuals(samples, 10, channels)


@pytest.mark.parametrize("width", [1, 2, 12, 16])
def test_widths(width):
    samples = cases.make("random", width, 200) + cases.make("alternating", width, 100)
    assert rtl_residuals([samples], width, 2) == golden_residuals(samples, width, 2)


def test_streams_restart_every_channel():
    # Streams shorter than a round leave channels untouched: they must start afresh anyway.
    streams = [cases.make("random", 10, n, seed=n) for n in (7, 2, 1, 9, 4)]
    expected = [e for samples in streams for e in golden_residuals(samples, 10, 4)]
    assert rtl_residuals(streams, 10, 4, "both") == expected


@pytest.mark.parametrize("channels", [1, 2, 3, WEIGHT_SPAN, WEIGHT_SPAN + 1, 16])
def test_throughput_and_latency(channels):
    # A channel's sample waits for the weights its previous sample leaves: with a channel
    # alone, one sample every WEIGHT_SPAN cycles (the weights are a register, read as the
    # sample is held); with a few sharing a memory, read as the sample is taken, a channel
    # a sample every WEIGHT_SPAN + 1 cycles; with more, one sample a clock.
    samples = cases.make("random", 10, 12 * max(channels, WEIGHT_SPAN))
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)} for j, x in enumerate(samples)]
    result = run(Predictor(10, channels), inputs)
    assert [item["error"] for item in result.outputs] == golden_residuals(samples, 10, channels)
    period = WEIGHT_SPAN if channels == 1 else WEIGHT_SPAN + 1
    cycles = result.input_cycles
    for n in range(channels, len(cycles)):
        assert cycles[n] - cycles[n - channels] == max(period, channels)
    assert all(out - taken == LATENCY for out, taken in zip(result.output_cycles, cycles))
