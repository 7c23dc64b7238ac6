"""What the study measures on a restored recording, against the original.

Signals are in ADC codes (floats: MP3 and Opus restore values between the codes). Filters
are zero-phase Butterworth responses of order :data:`ORDER`, applied forward and backward as
``filtfilt`` does: the gain ``1 / (1 + (f / fc)^(2 order))`` of a low-pass (and its mirror
for a high-pass), multiplied in the frequency domain over the whole recording, zero-padded
to a power of two (so the recording's edges see silence; at 5 s a recording, they weigh
nothing).

- **SNR** (dB): ``10 log10(signal power / error power)``, both means removed; in the
  full band, the spike band (:data:`SPIKE_BAND`) and the LFP band (below :data:`LFP_EDGE`);
  and in the full band once more after the restored signal's level is matched to the
  original's by least squares (MP3 through LAME comes back quieter).
  Powers are returned as sums, so that the study pools them over recordings.
- **Spikes**: threshold crossings downward through ``-THRESHOLD × σ``, with ``σ`` the robust
  noise level ``median(|b|) / 0.6745`` of the band-passed original ``b``; the same threshold
  on the restored signal; a crossing less than :data:`REFRACTORY_S` after the last one is
  the same spike. Original and restored spikes match within :data:`MATCH_S`.
- **Waveforms**: the band-passed snippet ``-0.5 .. +1 ms`` around each original spike, its
  squared difference from the restored one's.
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
SPIKE_BAND = (300.0, 3000.0)
LFP_EDGE = 300.0
THRESHOLD = 4.5
REFRACTORY_S = 1e-3
MATCH_S = 0.5e-3
SNIPPET_S = (0.5e-3, 1e-3)

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


def padded_length(count):
    """A power of two beyond ``count`` by a margin: the filters' FFT size (fast, no wrap)."""
    return 1 << (count + 4096 - 1).bit_length()


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


def spike_and_lfp(signal):
    """``signal`` through the spike band's and the LFP band's filters, one transform for both."""
    size = padded_length(len(signal))
    spectrum = np.fft.rfft(signal, size)
    return tuple(np.fft.irfft(spectrum * gain(size, *band), size)[: len(signal)]
                 for band in (SPIKE_BAND, (None, LFP_EDGE)))


@dataclass
class Bands:
    """The original, its bands with its mean removed, and what every setting is measured
    against (its spikes, their snippets, the signal powers); computed once a recording."""

    codes: np.ndarray
    full: np.ndarray
    spike: np.ndarray
    lfp: np.ndarray
    level: float
    spikes: np.ndarray
    windows: np.ndarray
    signal: dict

    @classmethod
    def of(cls, codes, rate=RATE):
        centred = codes - codes.mean()
        spike, lfp = spike_and_lfp(centred)
        level = threshold(spike)
        spikes = detect(spike, level, rate)
        windows = snippet_windows(spikes, len(spike), rate)
        signal = {"signal_full": float(np.sum(centred**2)),
                  "signal_spike": float(np.sum(spike**2)),
                  "signal_lfp": float(np.sum(lfp**2)),
                  "snippet_signal": float(np.sum(spike[windows] ** 2))}
        return cls(codes, centred, spike, lfp, level, spikes, windows, signal)


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


def threshold(original):
    """``-THRESHOLD × σ`` of the band-passed original (``Bands.spike``)."""
    return -THRESHOLD * np.median(np.abs(original)) / 0.6745


def snippet_windows(spikes, count, rate=RATE):
    """The index arrays of the waveform snippets of ``spikes`` that lie inside the recording."""
    before, after = round(SNIPPET_S[0] * rate), round(SNIPPET_S[1] * rate)
    inside = spikes[(spikes >= before) & (spikes + after < count)]
    return inside[:, None] + np.arange(-before, after + 1)[None, :]


def measure(original, restored_codes, rate=RATE):
    """The figures of one restored recording (ADC codes) against ``original`` (:class:`Bands`).

    A dict of sums and counts, so that recordings pool: ``signal_*`` and ``error_*`` powers,
    ``max_error``, spike counts ``original_spikes``, ``restored_spikes``, ``matched``, and
    the snippets' ``snippet_error`` and ``snippet_signal`` sums of squares over
    ``snippet_samples`` samples.
    """
    difference = restored_codes - original.codes
    # the error's mean (a DC offset, which no recording's analysis uses) is not counted
    error_full = difference - difference.mean()
    figures = {"max_error": float(np.abs(difference).max(initial=0.0)), **original.signal}
    figures["error_full"] = float(np.sum(error_full**2))
    # what is left of the error once the restored signal's level is matched (least squares):
    # a codec that only scales the signal loses nothing here
    # (not np.dot: BLAS threads spinning after it cost more than the whole measure)
    cross = float(np.sum(original.full * error_full))
    figures["error_full_gain"] = figures["error_full"] - (
        cross**2 / figures["signal_full"] if figures["signal_full"] else 0.0)
    spike_error, lfp_error = spike_and_lfp(error_full)
    figures["error_spike"] = float(np.sum(spike_error**2))
    figures["error_lfp"] = float(np.sum(lfp_error**2))
    found = detect(original.spike + spike_error, original.level, rate)
    figures["original_spikes"] = len(original.spikes)
    figures["restored_spikes"] = len(found)
    figures["matched"] = match(original.spikes, found, MATCH_S * rate)
    figures["snippet_error"] = float(np.sum(spike_error[original.windows] ** 2))
    figures["snippet_samples"] = int(original.windows.size)
    return figures
