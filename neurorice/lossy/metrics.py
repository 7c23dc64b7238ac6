"""What the study measures on a restored recording, against the original.

Signals are in ADC codes (floats: MP3 and Opus restore values between the codes). Filters
are zero-phase Butterworth responses of order :data:`ORDER`, applied forward and backward as
``filtfilt`` does: the gain ``1 / (1 + (f / fc)^(2 order))`` of a low-pass (and its mirror
for a high-pass), multiplied in the frequency domain over the whole recording, extended at
both ends as ``filtfilt`` extends it (:func:`extended`; at least :data:`MIN_EXTENSION`
samples, 0.42 s, a side) to a power of two.

- **Bands** (:data:`BANDS`): the drift below 1 Hz, the local field potential (LFP) 1–300 Hz
  and the spike band 300–3000 Hz, each measured apart because their powers differ by an
  order of magnitude (of the training recordings' power, the LFP band holds 77 %, the
  drift and the spike band 7 % each): a full-band SNR measures the LFP band's slow waves.
  In each band, with ``o`` the original and ``e`` the error (both means removed), the
  figures are sums, so that the study pools them over recordings: the signal power
  ``Σ o²``, the error power ``Σ e²`` and ``Σ o e``.
  From them, with ``r = o + e`` the restored band: the **gain** ``Σ o r / Σ o²`` (the
  least-squares level of the restored band against the original's: MP3 through LAME comes
  back quieter), the **level-matched SNR** ``Σ o² / (Σ o² - (Σ o r)² / Σ r²)`` (the error
  left once the restored band is scaled to fit the original best: a codec that only scales
  a band loses nothing, one that removes it loses everything, 0 dB) and the **power kept**
  ``Σ r² / Σ o²`` (a codec that removes the drift keeps none of it).
- **Spikes**: threshold crossings downward through ``-THRESHOLD × σ``, with ``σ`` the robust
  noise level ``median(|b|) / 0.6745`` of the band-passed original ``b``, never below
  :data:`NOISE_FLOOR` codes (a recording stuck at a rail has a median of zero, and a
  threshold of zero would count every wiggle); the same threshold on the restored signal; a
  crossing less than :data:`REFRACTORY_S` after the last one is the same spike. Original
  and restored spikes (or the known spikes of a synthetic recording) match within
  :data:`MATCH_S`. A recording with :data:`SATURATED_SHARE` of its samples or more at code
  0 or 1023, or whose ``σ`` is below the floor, is **degenerate** (:attr:`Bands.degenerate`):
  the study reports it apart.
- **Waveforms**, in the spike band, around each original spike (``-0.5 .. +1 ms`` from the
  crossing): the squared error; the snippets' correlation (Pearson, each snippet's mean
  removed: what template matching and clustering see, blind to gain); and the error of
  the trough's depth, the original's deepest sample of the snippet against the restored
  value there (relative to the original's depth: what amplitude-based sorting sees).
- **Maximum error**: the largest ``|restored - original|`` in codes, mean included.
"""

import functools
from dataclasses import dataclass

import numpy as np

from golden.samples import CODE_TO_VALUE

RATE = 19531
#: 16-bit units per ADC code: the lattice's spacing
CODE_STEP = 65535 / 1023
ORDER = 3
#: ``name: (high-pass edge, low-pass edge)`` in Hz, ``None`` for no edge.
BANDS = {"drift": (None, 1.0), "lfp": (1.0, 300.0), "spike": (300.0, 3000.0)}
SPIKE_BAND = BANDS["spike"]
THRESHOLD = 4.5
#: The smallest noise level (codes) a threshold is set from: one ADC code, a seventh of the
#: quietest live recording's (3.3 codes; the median is 6.0).
NOISE_FLOOR = 1.0
#: The share of samples at code 0 or 1023 from which a recording is saturated (4 of the 493
#: training recordings: 38 to 75 %; every other one is below 0.02 %).
SATURATED_SHARE = 0.01
REFRACTORY_S = 1e-3
MATCH_S = 0.5e-3
SNIPPET_S = (0.5e-3, 1e-3)
#: The time at each end of a recording whose samples the bands' powers leave out: the
#: slowest filter's (the 1 Hz edge's) response to the recording's edges has died out there.
MARGIN_S = 1.0

_VALUE_CODES = np.asarray(CODE_TO_VALUE, dtype=np.float64)


def to_codes(values):
    """16-bit values as ADC codes: exact on the lattice, interpolated between its points."""
    values = np.asarray(values)
    if values.dtype == np.int16:
        return _code_table()[values.astype(np.int64) + 32768]
    return np.interp(values.astype(np.float64), _VALUE_CODES, np.arange(1024.0))


@functools.cache
def _code_table():
    # every restored signal is 16-bit integers: looked up rather than interpolated, the
    # same figures without a search a sample
    return np.interp(np.arange(-32768.0, 32768.0), _VALUE_CODES, np.arange(1024.0))


#: The least extension of a recording at each end before it is filtered, in samples.
MIN_EXTENSION = 8192


def padded_length(count):
    """The filters' FFT size: a power of two with room for :data:`MIN_EXTENSION` samples of
    extension at each end of ``count``."""
    return 1 << (count + 2 * MIN_EXTENSION - 1).bit_length()


def extended(signal, size):
    """``signal`` mirrored at both ends to fill ``size`` samples but for at most one (the
    sample ``j`` before the first is the sample ``j`` after it), and its offset in it.

    A mirror continues the signal's level without a step: zero padding would leave one
    where a drift ends away from zero, as most recordings' do, and a codec that removes
    the drift would show that step's ringing as error in the LFP band, which it did not
    make. (A point reflection, as ``filtfilt``'s, also continues the slope, but shifts the
    whole extension by twice the edge sample's distance from its level, noise included.)
    """
    count = len(signal)
    reach = min((size - count) // 2, count - 1)
    return np.concatenate([signal[reach:0:-1], signal, signal[-2 : -reach - 2 : -1]]), reach


@functools.lru_cache(maxsize=16)
def gain(size, low=None, high=None, rate=RATE):
    """The zero-phase gain at each ``rfft`` bin of ``size`` samples."""
    f = np.fft.rfftfreq(size, 1.0 / rate)
    g = np.ones_like(f)
    if high is not None:
        g /= 1 + (f / high) ** (2 * ORDER)
    if low is not None:
        with np.errstate(divide="ignore"):
            g /= 1 + (low / np.maximum(f, 1e-12)) ** (2 * ORDER)
    return g


def split(signal, rate=RATE):
    """``{band: signal through its filter}`` for every band of :data:`BANDS`, one transform."""
    size = padded_length(len(signal))
    signal, start = extended(signal, size)
    spectrum = np.fft.rfft(signal, size)
    stop = len(signal) - start
    return {name: np.fft.irfft(spectrum * gain(size, *edges, rate=rate), size)[start:stop]
            for name, edges in BANDS.items()}


def inner_slice(count, rate=RATE):
    """The samples the bands' powers count: all but :data:`MARGIN_S` at each end (all of a
    recording too short to spare them)."""
    margin = round(MARGIN_S * rate)
    return slice(margin, count - margin) if count >= 3 * margin else slice(0, count)


def noise_level(band):
    """The robust noise level ``median(|band|) / 0.6745`` of a band-passed signal."""
    return float(np.median(np.abs(band))) / 0.6745


def threshold(band):
    """``-THRESHOLD × σ`` of the band-passed original, ``σ`` at least :data:`NOISE_FLOOR`."""
    return -THRESHOLD * max(noise_level(band), NOISE_FLOOR)


def saturated_share(codes):
    """The share of ``codes`` at either rail of the ADC (0 or 1023)."""
    return float(np.mean((codes <= 0) | (codes >= 1023))) if len(codes) else 0.0


@dataclass
class Bands:
    """The original, its bands with its mean removed, and what every setting is measured
    against (its spikes, their snippets, the signal powers); computed once a recording."""

    codes: np.ndarray
    full: np.ndarray
    bands: dict
    sigma: float
    level: float
    saturated: float
    spikes: np.ndarray
    windows: np.ndarray
    troughs: np.ndarray
    signal: dict
    inner: slice

    @property
    def spike(self):
        return self.bands["spike"]

    @property
    def degenerate(self):
        """Saturated, or too quiet for a threshold of its own: reported apart."""
        return self.saturated >= SATURATED_SHARE or self.sigma < NOISE_FLOOR

    @classmethod
    def of(cls, codes, rate=RATE):
        codes = np.asarray(codes, dtype=np.float64)
        centred = codes - codes.mean()
        bands = split(centred, rate)
        inner = inner_slice(len(codes), rate)
        sigma = noise_level(bands["spike"])
        level = -THRESHOLD * max(sigma, NOISE_FLOOR)
        spikes = detect(bands["spike"], level, rate)
        windows = snippet_windows(spikes, len(codes), rate)
        snippets = bands["spike"][windows]
        troughs = np.argmin(snippets, axis=1) if len(snippets) else np.zeros(0, np.int64)
        signal = {"signal_full": float(np.sum(centred[inner] ** 2)),
                  **{f"signal_{name}": float(np.sum(b[inner] ** 2))
                     for name, b in bands.items()},
                  "snippet_signal": float(np.sum(snippets**2))}
        return cls(codes, centred, bands, sigma, level, saturated_share(codes), spikes,
                   windows, troughs, signal, inner)


def detect(band, threshold, rate=RATE):
    """Sample indices where ``band`` crosses below ``threshold``, one per spike."""
    below = band < threshold
    crossings = np.flatnonzero(below[1:] & ~below[:-1]) + 1
    # a crossing within the refractory time of the one before it (kept or not) is the same spike
    gaps = np.diff(crossings, prepend=-(10**9))
    return crossings[gaps >= REFRACTORY_S * rate].astype(np.int64)


def match(reference, found, tolerance):
    """How many of ``found`` (sorted) pair one to one with ``reference`` within ``tolerance``."""
    i = j = matched = 0
    while i < len(reference) and j < len(found):
        if abs(found[j] - reference[i]) <= tolerance:
            matched, i, j = matched + 1, i + 1, j + 1
        elif found[j] < reference[i]:
            j += 1
        else:
            i += 1
    return matched


def f1(matched, reference, found):
    """F1 of ``matched`` pairs between ``reference`` and ``found`` spikes (``None`` if both
    are empty: nothing to agree on)."""
    return 2 * matched / (reference + found) if reference + found else None


def snippet_windows(spikes, count, rate=RATE):
    """The index arrays of the waveform snippets of ``spikes`` that lie inside the recording."""
    before, after = round(SNIPPET_S[0] * rate), round(SNIPPET_S[1] * rate)
    inside = spikes[(spikes >= before) & (spikes + after < count)]
    return inside[:, None] + np.arange(-before, after + 1)[None, :]


def band_figures(name, original, error):
    """The sums of one band: error power and the cross term (the signal's is the original's)."""
    # (not np.dot: BLAS threads spinning after it cost more than the whole measure)
    return {f"error_{name}": float(np.sum(error**2)),
            f"cross_{name}": float(np.sum(original * error))}


def waveform_figures(original, spike_error):
    """Sums over the original's spike snippets: squared error, correlations, depth errors."""
    windows = original.windows
    before = original.spike[windows]
    after = before + spike_error[windows]
    a = before - before.mean(axis=1, keepdims=True)
    b = after - after.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.sum(a * b, axis=1) / np.sqrt(np.sum(a * a, axis=1) * np.sum(b * b, axis=1))
    rows = np.arange(len(windows))
    depth = before[rows, original.troughs]
    depth_error = np.abs(after[rows, original.troughs] - depth) / np.abs(depth)
    return {"snippet_error": float(np.sum(spike_error[windows] ** 2)),
            "snippet_samples": int(windows.size),
            "snippets": len(windows),
            # a restored snippet flat to the last bit has no correlation: counted as none
            "snippet_correlation": float(np.sum(np.nan_to_num(correlation))),
            "depth_error": float(np.sum(depth_error))}


def measure(original, restored_codes, rate=RATE, truth=None, window=None):
    """The figures of one restored recording (ADC codes) against ``original`` (:class:`Bands`).

    A dict of sums and counts, so that recordings pool: the ``signal_*`` powers of each band
    and the full band, ``error_*`` and ``cross_*`` (see the module), ``max_error``, spike
    counts ``original_spikes``, ``restored_spikes``, ``matched``, and the waveform sums of
    :func:`waveform_figures`. With ``truth`` (the known spikes of a synthetic recording),
    also ``truth_spikes`` and ``truth_matched``: the restored signal's detections that are
    real spikes. With ``window`` (a slice), ``window``: the restored spike band there.
    """
    difference = np.asarray(restored_codes, dtype=np.float64) - original.codes
    # the error's mean (a DC offset, which no recording's analysis uses) is not counted
    error_full = difference - difference.mean()
    figures = {"max_error": float(np.abs(difference).max(initial=0.0)), **original.signal,
               **band_figures("full", original.full[original.inner], error_full[original.inner])}
    errors = split(error_full, rate)
    for name, error in errors.items():
        figures.update(band_figures(name, original.bands[name][original.inner],
                                    error[original.inner]))
    found = detect(original.spike + errors["spike"], original.level, rate)
    figures["original_spikes"] = len(original.spikes)
    figures["restored_spikes"] = len(found)
    figures["matched"] = match(original.spikes, found, MATCH_S * rate)
    if truth is not None:
        figures["truth_spikes"] = len(truth)
        figures["truth_matched"] = match(truth, found, MATCH_S * rate)
    figures.update(waveform_figures(original, errors["spike"]))
    if window is not None:
        figures["window"] = (original.spike[window] + errors["spike"][window]).tolist()
    return figures


def pooled_band(total, name):
    """``(gain, level-matched SNR dB or None if exact, power kept)`` of band ``name`` from
    sums pooled over recordings, ``matched_error_<name>`` among them
    (:func:`level_matched_error` of each recording, summed)."""
    signal = total[f"signal_{name}"]
    if not signal:
        return None, None, None
    error, cross = total[f"error_{name}"], total[f"cross_{name}"]
    matched = total[f"matched_error_{name}"]
    snr = None if matched <= 0 else float(10 * np.log10(signal / matched))
    return 1 + cross / signal, snr, (signal + 2 * cross + error) / signal


def level_matched_error(figures, name):
    """The error of band ``name`` left once this recording's restored band ``r`` is scaled by
    the factor that brings it nearest the original ``o``: ``Σ o² - (Σ o r)² / Σ r²``.

    A codec that only scales the band loses nothing; one that removes it loses all of it
    (``r = 0``: the whole signal is the error)."""
    signal, cross, error = (figures[f"{key}_{name}"] for key in ("signal", "cross", "error"))
    if not error:
        return 0.0  # exact: not a rounding error's worth of a difference
    restored = signal + 2 * cross + error
    if restored <= 0:
        return signal
    # clipped at zero: rounding can leave an exact band a hair below it
    return max(0.0, signal - (signal + cross) ** 2 / restored)
