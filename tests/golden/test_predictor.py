"""Tests of golden.predictor: the sign-sign LMS predictor of one channel."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden.predictor import (
    AVERAGE_FRAC,
    FEATURES,
    STEP,
    WEIGHT_FRAC,
    WEIGHT_MAX,
    WEIGHT_MIN,
    Predictor,
    clamp,
    sign,
)

quick = settings(database=None, deadline=None, max_examples=60)
WIDTHS = [1, 2, 3, 8, 10, 12, 16]


def signal(width, max_size=300):
    """A width and a list of ``width``-bit samples."""
    return st.lists(st.integers(0, (1 << width) - 1), max_size=max_size)


def run(width, samples):
    """Predictions of ``samples``, each checked to be in range and the weights saturated."""
    predictor = Predictor(width)
    predictions = []
    for sample in samples:
        prediction = predictor.predict()
        assert 0 <= prediction < 1 << width
        predictions.append(prediction)
        predictor.update(sample, prediction)
        assert all(WEIGHT_MIN <= w <= WEIGHT_MAX for w in predictor.weights)
    return predictions, predictor


def test_helpers():
    assert [sign(v) for v in (-5, 0, 7)] == [-1, 0, 1]
    assert [clamp(v, 0, 10) for v in (-1, 0, 5, 10, 11)] == [0, 0, 5, 10, 10]


@pytest.mark.parametrize("width", range(1, 17))
def test_first_prediction_is_mid_scale(width):
    predictor = Predictor(width)
    assert predictor.predict() == 1 << (width - 1)
    assert predictor.weights == [0] * FEATURES
    assert predictor.features() == [0] * FEATURES


@pytest.mark.parametrize("width", WIDTHS)
@quick
@given(data=st.data())
def test_prediction_in_range(width, data):
    run(width, data.draw(signal(width)))


@pytest.mark.parametrize("width", [1, 10, 16])
def test_full_scale_square_wave_in_range(width):
    top = (1 << width) - 1
    run(width, [0, top] * 300 + [top, top, 0, 0] * 150)


@pytest.mark.parametrize("width", WIDTHS)
@quick
@given(data=st.data())
def test_deterministic(width, data):
    samples = data.draw(signal(width))
    first, a = run(width, samples)
    second, b = run(width, samples)
    assert first == second
    assert (a.weights, a.history, a.averages) == (b.weights, b.history, b.averages)


@pytest.mark.parametrize("width", WIDTHS)
@quick
@given(data=st.data())
def test_only_the_past_counts(width, data):
    # the prediction of sample n is the same whatever sample n turns out to be
    samples = data.draw(signal(width, max_size=100))
    other = data.draw(st.integers(0, (1 << width) - 1))
    first, _ = run(width, samples + [0])
    second, _ = run(width, samples + [other])
    assert first == second


@pytest.mark.parametrize("extreme", [WEIGHT_MAX, WEIGHT_MIN])
def test_weights_saturate(extreme):
    # one non-zero feature, x[n-1] - x[n-2] = 1, and an error of the weight's sign
    predictor = Predictor(16)
    predictor.weights = [extreme - sign(extreme) * (STEP - 1), 0, 0, 0]
    for _ in range(3):
        predictor.history = [1000, 999, 999]
        predictor.averages = [1000 << AVERAGE_FRAC] * 2
        assert predictor.features() == [1, 0, 0, 0]
        predictor.update(2000 if extreme > 0 else 0, predictor.predict())
        assert predictor.weights == [extreme, 0, 0, 0]


near_extremes = st.one_of(
    st.integers(WEIGHT_MIN, WEIGHT_MIN + 2 * STEP), st.integers(WEIGHT_MAX - 2 * STEP, WEIGHT_MAX)
)


@pytest.mark.parametrize("width", [1, 10, 16])
@quick
@given(data=st.data())
def test_weights_stay_in_range_near_saturation(width, data):
    predictor = Predictor(width)
    predictor.weights = data.draw(st.lists(near_extremes, min_size=FEATURES, max_size=FEATURES))
    for sample in data.draw(signal(width, max_size=100)):
        prediction = predictor.predict()
        assert 0 <= prediction < 1 << width
        predictor.update(sample, prediction)
        assert all(WEIGHT_MIN <= w <= WEIGHT_MAX for w in predictor.weights)


@quick
@given(
    st.integers(1, 16).flatmap(
        lambda w: st.tuples(
            st.just(w),
            st.lists(st.integers(WEIGHT_MIN, WEIGHT_MAX), min_size=FEATURES, max_size=FEATURES),
            st.lists(st.integers(0, (1 << w) - 1), min_size=3, max_size=3),
            st.lists(st.integers(0, ((1 << w) << AVERAGE_FRAC) - 1), min_size=2, max_size=2),
        )
    )
)
def test_prediction_in_range_from_any_state(case):
    width, weights, history, averages = case
    predictor = Predictor(width)
    predictor.weights, predictor.history, predictor.averages = weights, history, averages
    assert 0 <= predictor.predict() < 1 << width


@pytest.mark.parametrize("width", range(1, 17))
def test_weights_move_by_step(width):
    predictor = Predictor(width)
    top = (1 << width) - 1
    for sample in [top, 0, top]:
        before = list(predictor.weights)
        features = predictor.features()
        prediction = predictor.predict()
        predictor.update(sample, prediction)
        direction = sign(sample - prediction)
        assert predictor.weights == [
            w + STEP * direction * sign(f) for w, f in zip(before, features)
        ]


def test_rounding_of_the_correction():
    predictor = Predictor(16)
    predictor.history = [1000, 999, 999]
    predictor.averages = [1000 << AVERAGE_FRAC] * 2
    # one difference of 1, weight one half: 1000 + round(0.5) = 1001
    predictor.weights = [1 << (WEIGHT_FRAC - 1), 0, 0, 0]
    assert predictor.predict() == 1001
    predictor.weights = [(1 << (WEIGHT_FRAC - 1)) - 1, 0, 0, 0]
    assert predictor.predict() == 1000
    predictor.weights = [-(1 << (WEIGHT_FRAC - 1)), 0, 0, 0]
    assert predictor.predict() == 1000  # halves round up
    predictor.weights = [-(1 << (WEIGHT_FRAC - 1)) - 1, 0, 0, 0]
    assert predictor.predict() == 999


@pytest.mark.parametrize("width", range(1, 17))
@pytest.mark.parametrize("where", ["bottom", "top", "middle", "random"])
def test_constant_converges_at_once(width, where):
    top = (1 << width) - 1
    level = {
        "bottom": 0,
        "top": top,
        "middle": 1 << (width - 1),
        "random": random.Random(width).randrange(top + 1),
    }[where]
    predictions, _ = run(width, [level] * 50)
    assert predictions[2:] == [level] * 48


@pytest.mark.parametrize("width", [1, 2, 10, 16])
@settings(database=None, deadline=None, max_examples=25)
@given(data=st.data())
def test_constant_converges_after_any_prelude(width, data):
    prelude = data.draw(signal(width, max_size=200))
    level = data.draw(st.integers(0, (1 << width) - 1))
    predictions, predictor = run(width, prelude + [level] * 1200)
    assert predictions[-400:] == [level] * 400
    assert predictor.history == [level] * 3
