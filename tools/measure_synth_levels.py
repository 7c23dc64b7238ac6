"""Measure the signal levels that ``neurorice.synth`` imitates, on real recordings.

Usage::

    python tools/measure_synth_levels.py DATA

``DATA`` is a directory of challenge ``.wav`` files or the challenge's ``train.zip``.
Prints, over all recordings on the 10-bit lattice, the median and spread of the per-file
levels (in ADC codes), the median power spectrum in log-spaced bands, the detected spikes'
depths and mean waveform, and the spread and order-0 entropy of first differences as a
compressibility reference. The constants in ``neurorice/synth.py`` are copied from this
output; it takes about 20 s on the 493 training recordings.
"""

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from golden.samples import CODE_TO_VALUE  # noqa: E402

RATE = 19531
SPLIT_HZ = 300.0  # LFP below, spike band above
THRESHOLD = 4.5  # spike detection threshold in noise sigmas
REFRACTORY = int(0.001 * RATE)
SNIPPET = (-10, 30)  # samples around a spike's trough for the mean waveform
BAND_EDGES = np.geomspace(0.5, RATE / 2, 17)  # log-spaced bands for the median spectrum

_VALUE_TO_CODE = np.full(1 << 16, -1, np.int32)
_VALUE_TO_CODE[np.array(CODE_TO_VALUE, np.int64) & 0xFFFF] = np.arange(len(CODE_TO_VALUE))


def recordings(path):
    """Yield the 10-bit codes of every on-lattice recording in a directory or zip file."""
    from neurorice.recordings import Source

    found = Source(path)
    yield from _codes(found.read(name) for name in found.names)


def _codes(blobs):
    for blob in blobs:
        codes = _VALUE_TO_CODE[np.frombuffer(blob[44:], "<u2")]
        if (codes >= 0).all():
            yield codes.astype(np.float64)


def band_split(x):
    """Split a signal into its parts below and above ``SPLIT_HZ`` (brick-wall FFT filter)."""
    spectrum = np.fft.rfft(x - x.mean())
    low = spectrum * (np.fft.rfftfreq(len(x), 1 / RATE) < SPLIT_HZ)
    low_part = np.fft.irfft(low, len(x))
    return low_part, x - x.mean() - low_part


def entropy(values):
    """Order-0 entropy in bits per symbol of an integer array."""
    counts = np.bincount(values - values.min())
    p = counts[counts > 0] / len(values)
    return float(-(p * np.log2(p)).sum())


def spikes(high, sigma):
    """Trough indices of negative threshold crossings, at most one per refractory period."""
    level = -THRESHOLD * sigma
    below = np.flatnonzero((high[1:] < level) & (high[:-1] >= level)) + 1
    troughs, last = [], -REFRACTORY
    for i in below:
        if i - last >= REFRACTORY and i + REFRACTORY < len(high):
            troughs.append(i + int(np.argmin(high[i : i + REFRACTORY])))
            last = i
    return np.array(troughs, np.int64)


def band_densities(x, edges):
    """Mean one-sided power spectral density (codes**2 / Hz) of ``x`` in each band."""
    window = np.hanning(len(x))
    power = np.abs(np.fft.rfft((x - x.mean()) * window)) ** 2 * 2 / (RATE * (window**2).sum())
    bands = np.digitize(np.fft.rfftfreq(len(x), 1 / RATE), edges) - 1
    return np.array([power[bands == b].mean() for b in range(len(edges) - 1)])


def measure(path):
    """Per-file levels, median band spectrum, spike amplitudes and mean spike waveform."""
    rows, spectra, amplitudes, snippets = [], [], [], []
    for codes in recordings(path):
        low, high = band_split(codes)
        sigma = np.median(np.abs(high)) / 0.6745  # MAD: robust to the spikes
        troughs = spikes(high, sigma)
        diffs = np.diff(codes).astype(np.int64)
        rows.append(
            dict(
                dc=np.median(codes),
                lfp_std=low.std(),
                noise_sigma=sigma,
                spike_rate=len(troughs) * RATE / len(codes),
                clipped=np.mean((codes == 0) | (codes == 1023)),
                diff_std=diffs.std(),
                diff_entropy=entropy(diffs),
            )
        )
        spectra.append(band_densities(codes, BAND_EDGES))
        amplitudes.append(-high[troughs] / sigma)
        a, b = SNIPPET
        inside = troughs[(troughs + a >= 0) & (troughs + b <= len(high))]
        snippets += [high[t + a : t + b] / sigma for t in inside]
    columns = {key: np.array([r[key] for r in rows]) for key in rows[0]}
    spectrum = np.median(spectra, axis=0)
    return columns, spectrum, np.concatenate(amplitudes), np.mean(snippets, axis=0)


def log_spread(values, upper=False):
    """Robust standard deviation of ``log(values)`` from percentiles (upper half only if asked)."""
    if upper:
        return float(np.log(np.percentile(values, 90) / np.median(values)) / 1.2816)
    return float(np.log(np.percentile(values, 90) / np.percentile(values, 10)) / 2.5631)


def main(argv=None):
    """Print the levels of the recordings named on the command line, constants pasteable."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.exit(__doc__)
    columns, density, amplitudes, waveform = measure(argv[0])
    n = len(columns["dc"])
    print(f"# {n} recordings: median [10th, 90th percentile] over files")
    for key, v in columns.items():
        q10, q50, q90 = np.percentile(v, [10, 50, 90])
        print(f"#   {key:13s} {q50:9.4f}  [{q10:.4f}, {q90:.4f}]")
    trough = int(np.argmin(waveform))
    peak = trough + int(np.argmax(waveform[trough:]))
    half = np.flatnonzero(waveform < waveform[trough] / 2)
    q50, q90 = np.percentile(amplitudes, [50, 90])
    print(f"#   detected spike troughs / sigma: median {q50:.3f}, 90th {q90:.3f}")
    print("#   mean spike waveform / sigma:", np.array2string(waveform, precision=2))
    print(f"DC_CODE = {np.median(columns['dc']):.1f}")
    dc_spread = np.percentile(columns["dc"], 90) - np.percentile(columns["dc"], 10)
    print(f"DC_SD = {dc_spread / 2.5631:.2f}")
    print(f"LFP_STD = {np.median(columns['lfp_std']):.2f}")
    print(f"LFP_LOG_SD = {log_spread(columns['lfp_std']):.3f}")
    print(f"NOISE_SIGMA = {np.median(columns['noise_sigma']):.3f}")
    print(f"NOISE_LOG_SD = {log_spread(columns['noise_sigma']):.3f}")
    print(f"SPIKE_RATE = {np.median(columns['spike_rate']):.3f}")
    print(f"SPIKE_RATE_LOG_SD = {log_spread(columns['spike_rate'], upper=True):.3f}")
    print(f"SPIKE_AMP = {np.median(amplitudes):.2f}")
    print(f"SPIKE_AMP_LOG_SD = {log_spread(amplitudes):.3f}")
    print(f"SPIKE_REBOUND = {waveform[peak] / -waveform[trough]:.3f}")
    print(f"SPIKE_REBOUND_MS = {(peak - trough) * 1000 / RATE:.3f}")
    print(f"SPIKE_HALF_WIDTH_MS = {(half[-1] - half[0] + 1) * 1000 / RATE:.3f}")
    print(f"DIFF_STD = {np.median(columns['diff_std']):.3f}")
    print(f"DIFF_ENTROPY = {np.median(columns['diff_entropy']):.3f}")
    centres = np.sqrt(BAND_EDGES[:-1] * BAND_EDGES[1:])
    pairs = ", ".join(f"({f:.4g}, {d:.4g})" for f, d in zip(centres, density))
    print(f"PSD_TABLE = ({pairs})")


if __name__ == "__main__":
    main()
