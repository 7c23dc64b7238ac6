"""golden.interval: the ADC-aware back end's model, and streams through golden.core."""

import random

import pytest

from golden import adc, core
from golden import interval as iv
from golden.adc import AdcTable


def test_priors_are_frequencies_of_the_adaptive_total():
    assert len(iv.PRIOR) == iv.CONTEXTS
    assert all(len(p) == iv.BINS and sum(p) == iv.ADAPTIVE_TOTAL and min(p) >= 0
               for p in iv.PRIOR)


@pytest.mark.parametrize("k", [0, 1, 3, 9])
def test_the_cumulative_frequency_rises_from_zero_to_escape(k):
    cdf = iv.AdaptiveCdf(iv.context_of(k))
    shift, width = iv.bin_shift(k), 10
    values = [cdf.cumulative(t, shift, width) for t in range(-(1 << 17), 1 << 17, 7)]
    assert values == sorted(values)
    assert values[0] == 0 and values[-1] == iv.ESCAPE
    assert cdf.cumulative(0, shift, width) == iv.HALF


def test_the_codes_intervals_tile_the_coding_range():
    model = iv.Model(10, adc.DEFAULT)
    cdf = model.contexts[2]
    analog = model.analog_prediction(500, 7)
    intervals = [model.interval(cdf, iv.bin_shift(2), analog, 500, q, 0)
                 for q in range(-500, 524)]
    assert intervals[0][0] == 0 and intervals[-1][1] == iv.ESCAPE
    assert all(a[1] == b[0] for a, b in zip(intervals, intervals[1:]))
    # code 511 has zero width: no interval, an escape if it ever occurs
    assert intervals[511][0] == intervals[511][1]
    # a wide code beside the prediction gets more than a narrow one as near it
    size = [hi - lo for lo, hi in intervals]
    assert adc.DEFAULT.width(503) > adc.DEFAULT.width(497) and size[503] > size[497]


def test_a_context_adapts_on_every_fourth_sample():
    cdf = iv.AdaptiveCdf(3)
    start = list(cdf.cdf)
    for _ in range(3):
        cdf.observe(30)
    assert cdf.cdf == start and cdf.seen == 3
    cdf.observe(30)
    assert cdf.seen == 0 and cdf.count == iv.PRIOR_COUNT + 1
    assert all(after <= before for after, before in zip(cdf.cdf[1:31], start[1:31]))
    assert cdf.cdf[0] == 0 and cdf.cdf[iv.BINS] == iv.ADAPTIVE_TOTAL << iv.RATE


def walk(rng, count, width, scale):
    x = [rng.randrange(1 << width)]
    for _ in range(count - 1):
        x.append(min(max(x[-1] + round(rng.gauss(0, scale)), 0), (1 << width) - 1))
    return x


TABLES = {
    "default": (adc.DEFAULT, 10),
    "uniform 16-bit": (adc.UNIFORM, 16),
    "zero widths": (AdcTable([30, 0, 2, 0], {5: 255, 9: 0}), 4),
    "one bit": (AdcTable([5, 27]), 1),
}


@pytest.mark.parametrize("near", [0, 1, 3])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("name", TABLES)
def test_round_trip(name, channels, near):
    table, width = TABLES[name]
    near = min(near, (1 << (width - 1)) - 1)  # δ < 2^(W-1): 0 at one bit
    rng = random.Random(hash((name, channels, near)) & 0xFFFF)
    for scale in (0.2, 3, 60, 5000):
        samples = walk(rng, 300, width, scale)
        data = core.encode(samples, width, channels, coder="adc", near=near, table=table)
        restored = core.decode(data, len(samples), width, channels, coder="adc", near=near,
                               table=table)
        assert all(abs(a - b) <= near for a, b in zip(samples, restored))
        assert len(restored) == len(samples)


def test_a_zero_width_code_is_escaped_and_restored():
    table = AdcTable([16], {7: 0})
    samples = [7, 7, 8, 7, 6, 7] * 20
    data = core.encode(samples, 4, coder="adc", table=table)
    assert core.decode(data, len(samples), 4, coder="adc", table=table) == samples


def test_the_width_table_is_part_of_the_stream():
    samples = walk(random.Random(5), 2000, 10, 4)
    default = core.encode(samples, 10, coder="adc")
    uniform = core.encode(samples, 10, coder="adc", table=adc.UNIFORM)
    assert default != uniform
    assert core.decode(uniform, len(samples), 10, coder="adc", table=adc.UNIFORM) == samples


def test_an_escape_of_a_codable_sample_is_refused():
    # an escape interval at the start, then the code of a sample the model gives an interval
    from golden.bits import BitWriter
    from golden.rangecoder import PROB_BITS, RangeEncoder
    coder = RangeEncoder(BitWriter())
    coder.encode(iv.ESCAPE, 1 << PROB_BITS)
    coder.bypass(512, 10)
    data = coder.finish().to_bytes()
    with pytest.raises(ValueError, match="escape of a sample the model can code"):
        core.decode(data, 1, 10, coder="adc")


@pytest.mark.parametrize("near", [1, 4])
def test_near_lossless_bins_scale_with_the_step(near):
    # k counts the residual in steps of 2δ + 1 codes, the bins are on the analog axis: at
    # their scale the back end codes as well as the arith one (without it, 20 % worse)
    from golden import samples, wav
    from tests.recordings import training_recordings

    (_, data), = training_recordings(1, samples=20_000)
    codes = samples.values_to_codes(wav.parse_pcm16(data).samples)
    adc_size = len(core.encode(codes, 10, coder="adc", near=near))
    arith_size = len(core.encode(codes, 10, coder="arith", near=near))
    assert adc_size < 1.02 * arith_size
