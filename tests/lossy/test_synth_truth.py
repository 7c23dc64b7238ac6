"""Tests of the synthetic recordings' known spikes (``neurorice.synth``), the study's ground
truth: the same recordings as the generator's, and spikes where it says they are."""

import numpy as np
import pytest

from neurorice import synth
from neurorice.lossy import metrics


@pytest.mark.parametrize("index", [0, 5])
def test_the_codes_are_the_generators(index, tmp_path):
    codes, troughs = synth.recording_and_spikes(index, seconds=2.0)
    assert np.array_equal(codes, synth.recording(index, seconds=2.0))
    assert np.all(np.diff(troughs) >= 0) and np.all((troughs >= 0) & (troughs < len(codes)))
    synth.write_wav(tmp_path / "a.wav", codes)
    assert (tmp_path / "a.wav").read_bytes() == synth.wav_bytes(codes)


def test_the_spikes_are_where_it_says():
    codes, troughs = synth.recording_and_spikes(40)  # the default set's busiest of 48
    assert len(troughs) > 100
    original = metrics.Bands.of(codes.astype(np.float64))
    # at the known troughs the spike band is deep; at random samples it is not
    depth = -np.mean(original.spike[troughs]) / original.sigma
    elsewhere = -np.mean(original.spike[np.random.default_rng(0).integers(0, len(codes), 500)])
    assert depth > 2.5 and abs(elsewhere) / original.sigma < 0.3
    # and the threshold's detections are mostly real spikes
    matched = metrics.match(troughs, original.spikes, metrics.MATCH_S * metrics.RATE)
    assert matched > 0.9 * len(original.spikes)
