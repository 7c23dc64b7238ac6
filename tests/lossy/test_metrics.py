"""Tests of neurorice.lossy.metrics on signals whose answers are known."""

import numpy as np
import pytest

from neurorice.lossy import metrics

RATE = metrics.RATE


def sine(frequency, count=RATE, amplitude=100.0):
    return amplitude * np.sin(2 * np.pi * frequency * np.arange(count) / RATE)


@pytest.mark.parametrize(("frequency", "drift", "lfp", "spike"), [
    (0.2, 1.0, 0.0, 0.0), (20, 0.0, 1.0, 0.0), (1000, 0.0, 0.0, 1.0), (8000, 0.0, 0.0, 0.0)])
def test_bands_pass_and_stop(frequency, drift, lfp, spike):
    # 0.2 Hz: one whole period in 5 s; measured where the powers are (the ends left out)
    bands = metrics.Bands.of(sine(frequency, 5 * RATE) + 512)
    inner = bands.inner
    assert inner == slice(RATE, 4 * RATE)
    rms = np.sqrt(np.mean(bands.full[inner] ** 2))
    for name, expected in (("drift", drift), ("lfp", lfp), ("spike", spike)):
        ratio = np.sqrt(np.mean(bands.bands[name][inner] ** 2)) / rms
        assert ratio == pytest.approx(expected, abs=0.02), name


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


def band(figures, name):
    """``(gain, level-matched SNR dB, power kept)`` of one recording's band."""
    total = dict(figures, **{f"matched_error_{name}": metrics.level_matched_error(figures, name)})
    return metrics.pooled_band(total, name)


def test_a_known_gain_is_reported_apart_from_the_level_matched_snr():
    codes = noisy_recording()
    original = metrics.Bands.of(codes)
    figures = metrics.measure(original, 0.9 * (codes - 512) + 512)
    for name in ("full", "drift", "lfp", "spike"):
        gain, snr, kept = band(figures, name)
        assert gain == pytest.approx(0.9, abs=1e-9), name
        assert snr is None or snr > 100, name  # nothing left once the level is matched
        assert kept == pytest.approx(0.81, abs=1e-9), name
        unmatched = 10 * np.log10(figures[f"signal_{name}"] / figures[f"error_{name}"])
        assert unmatched == pytest.approx(20.0, abs=0.01)  # an error of a tenth of the signal
    # a gain is no change of shape, but it is one of amplitude
    assert figures["snippet_correlation"] == pytest.approx(figures["snippets"])
    assert figures["depth_error"] / figures["snippets"] == pytest.approx(0.1)


def test_a_pure_drift_lost_is_the_drift_band_alone():
    count = 5 * RATE
    codes = noisy_recording(count=count)
    # 0.4 Hz over 5 s: two whole periods, so the recording's edges stay continuous
    drift = 150 * np.sin(2 * np.pi * 0.4 * np.arange(count) / RATE)
    original = metrics.Bands.of(codes + drift)
    figures = metrics.measure(original, codes)
    gain, snr, kept = band(figures, "drift")
    assert kept < 0.01 and abs(gain) < 0.05 and snr < 1
    assert figures["signal_drift"] > 10 * figures["signal_lfp"]  # it held most of the power
    # what reaches the LFP band is the 1 Hz edge's skirt at 0.4 Hz, a gain of 0.004 (30 dB)
    assert band(figures, "lfp")[1] > 27
    spike_snr = band(figures, "spike")[1]
    assert spike_snr is None or spike_snr > 60
    assert figures["matched"] == figures["original_spikes"] == figures["restored_spikes"]


def test_bands_cover_the_spectrum_once():
    # the drift, LFP and spike filters' gains add to one well below the spike band's top edge
    size = metrics.padded_length(RATE)
    f = np.fft.rfftfreq(size, 1 / RATE)
    total = sum(metrics.gain(size, *edges) for edges in metrics.BANDS.values())
    inside = (f > 0.05) & (f < 1000)
    assert np.all(np.abs(total[inside] - 1) < 0.02)


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


def test_a_saturated_recording_keeps_a_threshold_and_is_reported_apart():
    rng = np.random.default_rng(5)
    codes = np.full(4 * RATE, 1023.0)  # stuck at the top rail...
    live = slice(RATE, 2 * RATE)  # ...but for one second of noise
    codes[live] = 900 + rng.normal(0, 6, RATE)
    original = metrics.Bands.of(codes)
    assert original.sigma < 0.5 and original.degenerate
    assert original.saturated == pytest.approx(0.75)
    assert original.level == -metrics.THRESHOLD * metrics.NOISE_FLOOR
    # the threshold is the floor's, so only the live second (and its filters' tails) has
    # crossings: not the rail's rounding-level wiggles
    assert np.all((original.spikes > RATE - 200) & (original.spikes < 2 * RATE + 200))
    quiet = metrics.Bands.of(np.round(noisy_recording()))
    assert not quiet.degenerate and quiet.level == -metrics.THRESHOLD * quiet.sigma


def test_a_spike_train_with_known_times_is_found_and_scored_against_them():
    rng = np.random.default_rng(7)
    count = 3 * RATE
    times = np.sort(rng.choice(np.arange(200, count - 200, 60), 60, replace=False))
    codes = 512 + rng.normal(0, 3, count)
    for t in times:
        codes[t - 2 : t + 4] -= np.array([10, 40, 60, 40, 20, 5])
    original = metrics.Bands.of(codes)
    assert metrics.match(times, original.spikes, metrics.MATCH_S * RATE) == len(times)
    figures = metrics.measure(original, codes.copy(), truth=times)
    assert figures["truth_spikes"] == figures["truth_matched"] == len(times)
    # half the spikes removed from the restored signal: half the known ones found
    restored = codes.copy()
    for t in times[::2]:
        restored[t - 2 : t + 4] += np.array([10, 40, 60, 40, 20, 5])
    figures = metrics.measure(original, restored, truth=times)
    assert figures["truth_matched"] == figures["restored_spikes"] == len(times) // 2
    assert metrics.f1(figures["truth_matched"], len(times), figures["restored_spikes"]) \
        == pytest.approx(2 / 3)
    assert metrics.f1(0, 0, 0) is None
