# amaranth: UnusedElaboratable=no
"""The ADC-aware back end's model against :class:`golden.interval.IntervalEncoder`'s
intervals, and the encoder with it against ``encode_stream(..., coder="adc")``."""

import random

import pytest
from amaranth.hdl import Module, Signal
from amaranth.sim import Simulator

from gateware.encoder import Encoder
from gateware.interval import Axis, IntervalModel
from golden import adc
from golden import near as nl
from golden.bits import BitWriter
from golden.core import encode_stream
from golden.interval import IntervalEncoder, Sample
from golden.predictor import Predictor
from golden.rice import RiceAdapter

from . import cases
from .harness import PATTERNS, run

#: A table with every kind of code: zero-width, wide, exceptions at both ends.
ODD = adc.AdcTable([0, 40, 16, 3, 255, 16, 0, 8], {0: 0, 5: 200, 1022: 0, 1023: 90})
#: Only exceptions are wide: a period of zeros, and exceptions next to each other.
SPARSE = adc.AdcTable([0, 0], {5: 16, 6: 0, 7: 255, 100: 1})


@pytest.mark.parametrize("table", [adc.DEFAULT, adc.UNIFORM, ODD, SPARSE],
                         ids=["default", "uniform", "odd", "sparse"])
def test_axis(table):
    # every code's edge, next edge and centre, from the table's hardware form
    width = 10
    axis = Axis(table, width)
    m = Module()
    code = Signal(width)
    kinds = ("edge", "next", "centre")
    values = {kind: Signal(axis.bits, name=kind) for kind in kinds}
    m.d.comb += [value.eq(axis.values(code, kind)) for kind, value in values.items()]
    found = []

    async def testbench(ctx):
        for c in range(1 << width):
            ctx.set(code, c)
            found.append(tuple(ctx.get(values[kind]) for kind in kinds))

    sim = Simulator(m)
    sim.add_testbench(testbench)
    sim.run()
    assert found == [(table.edge(c), table.edge(c + 1), table.centre(c))
                     for c in range(1 << width)]


class Recorder:
    """Takes the range coder's place: the intervals and bypass bits, one a sample."""

    def __init__(self):
        self.items = []

    def encode(self, start, end):
        self.items.append({"start": start, "end": end, "rest": 0, "bits": 0})

    def bypass(self, value, bits):
        self.items[-1].update(rest=value, bits=bits)


def side(width, near, sample):
    fields = {"previous": sample.previous, "correction": sample.correction}
    if near:
        lowest, highest = IntervalEncoder(width, near=near).model.span(
            sample.prediction, sample.quantised, near)
        fields.update(lowest=lowest, highest=highest, restored=sample.restored)
    else:
        fields.update(code=sample.restored)
    return fields


def golden_items(inputs, width, table, near=0):
    """The model's inputs and outputs of ``(k, Sample, last)`` triples."""
    encoder = IntervalEncoder(width, table=table, near=near)
    encoder.coder = recorder = Recorder()
    model_inputs = []
    for k, sample, last in inputs:
        encoder.write(k, sample)
        recorder.items[-1]["last"] = last
        model_inputs.append({"u": 0, "k": k, "last": last, "side": side(width, near, sample)})
        if last:  # the next stream starts from the priors
            encoder = IntervalEncoder(width, table=table, near=near)
            encoder.coder = recorder
    return model_inputs, recorder.items


def core_inputs(streams, width, channels, near=0):
    """``(k, Sample, last)`` as :func:`golden.core.encode_stream` makes them."""
    out = []
    for samples in streams:
        predictors = [Predictor(width) for _ in range(channels)]
        rice = [RiceAdapter(width) for _ in range(channels)]
        for i, x in enumerate(samples):
            predictor, adapter = predictors[i % channels], rice[i % channels]
            p = predictor.predict()
            q = nl.quantise(x - p, near)
            restored = nl.reconstruct(p, q, near, width)
            out.append((adapter.k(), Sample(p, predictor.history[0],
                                            predictor.correction(adc.FRACTION_BITS), q,
                                            restored), int(i == len(samples) - 1)))
            predictor.update(restored, p)
            adapter.update(nl.reduce(q, near, width))
    return out


def random_inputs(width, count, table, seed=0):
    """Anything the model may take: any k, codes and corrections, tails and escapes."""
    rng = random.Random(seed)
    top = (1 << width) - 1
    out = []
    for i in range(count):
        x = rng.choice([0, top, rng.randrange(top + 1)])
        previous = rng.randrange(top + 1)
        spread = 16 << rng.randrange(width + 2)
        out.append((rng.randrange(width), Sample(0, previous, rng.randrange(-spread, spread),
                                                  x, x), int(i == count - 1)))
    return out


def check(inputs, width, table=None, near=0, pattern="steady"):
    model_inputs, expected = golden_items(inputs, width, table or adc.default(width), near)
    idle, backpressure = PATTERNS[pattern]
    result = run(IntervalModel(width, table, near), model_inputs, idle=idle,
                 backpressure=backpressure)
    assert result.outputs == expected
    return expected


@pytest.mark.parametrize("name", ["walk", "escapes", "alternating", "steep-ramp"])
def test_model_cases(name):
    samples = cases.make(name, 10, 300)
    check(core_inputs([samples], 10, 3), 10)


def test_model_recordings_and_streams():
    (_, codes), = cases.recordings(count=1, length=800)
    streams = [codes, cases.make("random", 10, 5), [3]]
    check(core_inputs(streams, 10, 2), 10, pattern="both")


@pytest.mark.parametrize("table", [adc.DEFAULT, adc.UNIFORM, ODD, SPARSE],
                         ids=["default", "uniform", "odd", "sparse"])
def test_model_random(table):
    expected = check(random_inputs(10, 600, table, seed=1), 10, table, pattern="bursty")
    assert any(item["bits"] for item in expected)  # escapes


@pytest.mark.parametrize("width", [1, 2, 4, 12, 16])
def test_model_widths(width):
    table = adc.AdcTable([3, 29] if width > 1 else [16], {0: 5} if width > 1 else {})
    check(random_inputs(width, 300, table, seed=width), width, table, pattern="both")
    samples = cases.make("walk", width, 200) + cases.make("random", width, 100)
    check(core_inputs([samples], width, 1), width)


@pytest.mark.parametrize("near", [1, 4])
def test_model_near(near):
    samples = cases.make("walk", 10, 200) + cases.make("escapes", 10, 150)
    check(core_inputs([samples], 10, 3, near), 10, ODD if near == 4 else None, near,
          pattern="backpressure")


# The encoder with the ADC-aware back end, word for word.


def golden_words(streams, width, channels, word_width=32, table=None, near=0):
    out = []
    for samples in streams:
        writer = encode_stream(samples, width, channels, BitWriter(word_width), coder="adc",
                               table=table, near=near)
        words = writer.flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_encode(streams, width, channels, word_width=32, pattern="steady", table=None,
               near=0):
    idle, backpressure = PATTERNS[pattern]
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)}
              for samples in streams for j, x in enumerate(samples)]
    encoder = Encoder(width, channels, word_width, coder="adc", table=table, near=near)
    result = run(encoder, inputs, idle=idle, backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.mark.parametrize("name", ["walk", "escapes", "alternating", "full-scale"])
def test_cases(name):
    samples = cases.make(name, 10, 300)
    assert rtl_encode([samples], 10, 3)[0] == golden_words([samples], 10, 3)


@pytest.mark.parametrize("pattern", ["both", "bursty"])
@pytest.mark.parametrize("channels", [1, 4])
def test_idle_and_backpressure(pattern, channels):
    samples = cases.make("escapes", 10, 120) + cases.make("walk", 10, 120)
    assert rtl_encode([samples], 10, channels, pattern=pattern)[0] == \
        golden_words([samples], 10, channels)


@pytest.mark.parametrize("width, word_width", [(1, 32), (4, 40), (16, 32)])
def test_widths(width, word_width):
    samples = cases.make("random", width, 120) + cases.make("walk", width, 100)
    assert rtl_encode([samples], width, 2, word_width, "both")[0] == \
        golden_words([samples], width, 2, word_width)


def test_streams_and_table():
    # streams shorter than a round of channels, with a table of zero-width codes: every
    # context and the coder restart, and escapes
    streams = [cases.make("random", 10, n, seed=n) for n in (1, 5, 2, 13, 7)] + [[0] * 32]
    assert rtl_encode(streams, 10, 6, pattern="both", table=ODD)[0] == \
        golden_words(streams, 10, 6, table=ODD)


def test_recordings_at_1024_channels():
    # real signal, one sample a clock
    segments = cases.recordings(count=2, length=2 * 1024)
    samples = [x for _, codes in segments for x in codes]
    words, result = rtl_encode([samples], 10, 1024)
    assert words == golden_words([samples], 10, 1024)
    assert result.stalls == 0


def test_recordings():
    (_, codes), = cases.recordings(count=1, length=500)
    assert rtl_encode([codes], 10, 1, pattern="both")[0] == golden_words([codes], 10, 1)


@pytest.mark.parametrize("near", [1, 3])
def test_near(near):
    samples = cases.make("walk", 10, 200) + cases.make("escapes", 10, 100)
    assert rtl_encode([samples], 10, 16, near=near)[0] == \
        golden_words([samples], 10, 16, near=near)


def test_validation():
    # with the other back ends a table gives the order of the codes (gateware.code_order)
    assert Encoder(10, 1, 32, coder="arith", table=adc.DEFAULT).order.missing == (511,)
    assert Encoder(10, 1, 32, coder="rice", near=1).order.identity
    with pytest.raises(TypeError, match="table must be a golden.adc.AdcTable"):
        Encoder(10, 1, 32, coder="adc", table=[16])
    with pytest.raises(ValueError, match="names a code beyond 4-bit samples"):
        Encoder(4, 1, 32, coder="adc", table=ODD)


@pytest.mark.parametrize("options", [{"state_memory": "spram-model"}, {"low_power": True}],
                         ids=["spram", "low-power"])
def test_options(options):
    # the predictor's variants carry the side as the default one does
    samples = cases.make("walk", 10, 150, seed=2) + cases.make("escapes", 10, 100)
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)} for j, x in enumerate(samples)]
    result = run(Encoder(10, 4, 32, coder="adc", **options), inputs, idle=PATTERNS["both"][0],
                 backpressure=PATTERNS["both"][1])
    assert [(item["word"], item["last"]) for item in result.outputs] == \
        golden_words([samples], 10, 4)
