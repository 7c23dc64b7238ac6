"""Tests of neurorice.lossy.metrics on signals whose answers are known."""

import numpy as np
import pytest

from neurorice.lossy import metrics

RATE = metrics.RATE


def sine(frequency, count=RATE, amplitude=100.0):
    return amplitude * np.sin(2 * np.pi * frequency * np.arange(count) / RATE)


@pytest.mark.parametrize(("frequency", "spike", "lfp"), [
    (20, 0.0, 1.0), (1000, 1.0, 0.0), (8000, 0.0, 0.0)])
def test_bands_pass_and_stop(frequency, spike, lfp):
    bands = metrics.Bands.of(sine(frequency) + 512)
    inner = slice(2000, -2000)
    rms = np.sqrt(np.mean(bands.full[inner] ** 2))
    assert np.sqrt(np.mean(bands.spike[inner] ** 2)) / rms == pytest.approx(spike, abs=0.02)
    assert np.sqrt(np.mean(bands.lfp[inner] ** 2)) / rms == pytest.approx(lfp, abs=0.02)


def test_codes_on_and_off_the_lattice():
    from golden.samples import CODE_TO_VALUE

    assert list(metrics.to_codes(CODE_TO_VALUE)) == list(range(1024))
    middle = (CODE_TO_VALUE[500] + CODE_TO_VALUE[501]) / 2
    assert metrics.to_codes([middle])[0] == pytest.approx(500.5)


def test_codes_of_integers_are_the_interpolated_ones():
    values = np.arange(-32768, 32768)
    by_table = metrics.to_codes(values.astype(np.int16))
    assert np.array_equal(by_table, metrics.to_codes(values.astype(np.float64)))


def test_detect_and_match():
    signal = np.zeros(2000)
    for t in (100, 110, 500, 900, 1500):  # 110 is within the refractory period of 100
        signal[t : t + 3] = -50
    assert list(metrics.detect(signal, -10)) == [100, 500, 900, 1500]
    assert metrics.match([100, 500, 900, 1500], [104, 505, 1400, 1600], 9.77) == 2
    assert metrics.match([], [1, 2], 5) == 0


def noisy_recording(seed=0, count=4 * RATE):
    rng = np.random.default_rng(seed)
    codes = 512 + rng.normal(0, 3, count) + sine(7, count, 20)
    for t in range(400, count - 400, 997):
        codes[t : t + 6] -= np.array([10, 40, 60, 40, 20, 5])
    return codes


def test_identical_signal():
    codes = noisy_recording()
    figures = metrics.measure(metrics.Bands.of(codes), codes.copy())
    assert figures["error_full"] == figures["error_spike"] == figures["max_error"] == 0
    assert figures["original_spikes"] == figures["matched"] == figures["restored_spikes"] > 70


def test_scaled_signal_is_an_error_but_not_once_level_matched():
    codes = noisy_recording()
    figures = metrics.measure(metrics.Bands.of(codes), 0.9 * (codes - 512) + 512)
    snr = 10 * np.log10(figures["signal_full"] / figures["error_full"])
    assert snr == pytest.approx(20.0, abs=0.01)  # an error of a tenth of the signal
    assert figures["error_full_gain"] < 1e-6 * figures["error_full"]


def test_offset_counts_in_max_error_only():
    codes = noisy_recording()
    figures = metrics.measure(metrics.Bands.of(codes), codes + 7)
    assert figures["max_error"] == pytest.approx(7)
    assert figures["error_full"] < 1e-12


def test_noise_costs_spikes():
    codes = noisy_recording()
    rng = np.random.default_rng(1)
    figures = metrics.measure(metrics.Bands.of(codes), codes + rng.normal(0, 8, len(codes)))
    assert figures["matched"] < figures["original_spikes"]
    assert figures["restored_spikes"] > figures["original_spikes"]
    assert figures["snippet_error"] > 0 and figures["snippet_samples"] > 0
