# amaranth: UnusedElaboratable=no
"""The predictor against :mod:`golden.predictor`, residual for residual."""

import pytest

from gateware.predictor import LATENCY, NEAR_LATENCY, WEIGHT_SPAN, Predictor
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


# near-lossless: the quantised residual, reduced modulo RANGE, of golden.core


def golden_near_residuals(samples, width, channels, near):
    """The residuals :func:`golden.core.encode_stream` codes with bound ``near``."""
    from golden import near as nl

    models = [Model(width) for _ in range(channels)]
    errors = []
    for i, sample in enumerate(samples):
        model = models[i % channels]
        prediction = model.predict()
        quantised = nl.quantise(sample - prediction, near)
        errors.append(nl.reduce(quantised, near, width))
        model.update(nl.reconstruct(prediction, quantised, near, width), prediction)
    return errors


def rtl_near_residuals(streams, width, channels, near, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [
        {"sample": x, "last": int(j == len(samples) - 1)}
        for samples in streams for j, x in enumerate(samples)
    ]
    result = run(Predictor(width, channels, near=near), inputs, idle=idle,
                 backpressure=backpressure)
    return [item["error"] for item in result.outputs], result


@pytest.mark.parametrize("name", cases.NAMES)
def test_near_cases(name):
    samples = cases.make(name, 10, 200)
    for near in (1, 4):
        errors, _ = rtl_near_residuals([samples], 10, 3, near)
        assert errors == golden_near_residuals(samples, 10, 3, near)


@pytest.mark.parametrize(("pattern", "channels", "near"), [
    ("steady", 1, 3), ("idle", 2, 1), ("backpressure", 14, 8), ("both", 1, 2),
    ("bursty", 5, 6)])
def test_near_patterns(pattern, channels, near):
    samples = cases.make("walk", 10, 150) + cases.make("random", 10, 100)
    errors, _ = rtl_near_residuals([samples], 10, channels, near, pattern)
    assert errors == golden_near_residuals(samples, 10, channels, near)


@pytest.mark.parametrize(("width", "near"), [(2, 1), (5, 7), (16, 300)])
def test_near_widths(width, near):
    samples = cases.make("random", width, 150) + cases.make("full-scale", width, 80)
    errors, _ = rtl_near_residuals([samples], width, 2, near)
    assert errors == golden_near_residuals(samples, width, 2, near)


def test_near_streams_restart_every_channel():
    streams = [cases.make("random", 10, n, seed=n) for n in (7, 2, 1, 9, 4)]
    expected = [e for samples in streams for e in golden_near_residuals(samples, 10, 4, 2)]
    assert rtl_near_residuals(streams, 10, 4, 2, "both")[0] == expected


@pytest.mark.parametrize("channels", [1, 3, NEAR_LATENCY + 1])
def test_near_throughput_and_latency(channels):
    # the past waits for the reconstructed sample: its span is the whole pipeline
    samples = cases.make("random", 10, 6 * max(channels, NEAR_LATENCY))
    errors, result = rtl_near_residuals([samples], 10, channels, 2)
    assert errors == golden_near_residuals(samples, 10, channels, 2)
    period = NEAR_LATENCY if channels == 1 else NEAR_LATENCY + 1
    cycles = result.input_cycles
    for n in range(channels, len(cycles)):
        assert cycles[n] - cycles[n - channels] == max(period, channels)
    assert all(out - taken == NEAR_LATENCY for out, taken in zip(result.output_cycles, cycles))


@pytest.mark.parametrize(("arguments", "message"), [
    ({"near": 512}, "must be an integer 0..511"), ({"near": -1}, "must be an integer"),
    ({"near": 1, "spram_bits": 16}, "no SPRAM bits")])
def test_near_bad_parameters(arguments, message):
    with pytest.raises(ValueError, match=message):
        Predictor(10, 2, **arguments)
    with pytest.raises(TypeError, match="near"):
        Predictor(10, near=1.0)
