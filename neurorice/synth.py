"""Synthetic recordings like the challenge's, the default data set of ``./eval.sh``.

Each recording is the sum of

* a DC offset near the mid-scale ADC code;
* Gaussian background noise shaped to the median power spectrum of real recordings, its
  local field potential band (below :data:`SPLIT_HZ`) and its spike band scaled separately;
* one to :data:`MAX_UNITS` units firing biphasic spikes with Poisson timing and a refractory
  period;

quantised to 10-bit ADC codes by an ADC of given code widths (:mod:`golden.adc`: by default
the implant's, whose codes are not equally wide, as in the real recordings; ``--adc ideal``
for equal widths, plain rounding), clipped to 0..1023 and written as the 16-bit values of
:mod:`golden.samples` in a canonical 44-byte mono WAV file, so the codec's 10-bit path is
exercised. The per-file levels are drawn around levels measured on the real recordings and
all randomness is seeded from ``(seed, file index)``, so a set is reproducible byte for byte.

Run as ``python -m neurorice.synth DIR [--count N] [--seed S] [--seconds T]``.
"""

import argparse
import pathlib
import struct

import numpy as np

from golden import adc as adc_tables
from golden.samples import CODE_COUNT, CODE_TO_VALUE

RATE = 19531
SPLIT_HZ = 300.0

# Measured on the 493 training recordings by tools/measure_synth_levels.py, in 10-bit codes.
# Per file: the median code (DC), the standard deviation of the part below SPLIT_HZ (LFP,
# brick-wall FFT filter), the noise sigma of the part above it as MAD / 0.6745, and the rate
# of negative crossings of -4.5 sigma there (spikes). Values are medians over files; a
# *_LOG_SD is the spread of the logarithm over files from the 10th and 90th percentiles
# (for the spike rate from the 50th and 90th, as 43 % of the files have almost no spikes).
DC_CODE = 527.0
DC_SD = 8.97
LFP_STD = 18.46
LFP_LOG_SD = 0.530
NOISE_SIGMA = 7.472
NOISE_LOG_SD = 0.229
SPIKE_RATE = 0.989
SPIKE_RATE_LOG_SD = 2.457
# Trough depth of detected spikes in noise sigmas (median, log spread), and the shape of
# their mean waveform: rebound peak over trough depth, its delay, and the trough's width at
# half depth. Measured on this generator's output, these come back within 10 to 20 %.
SPIKE_AMP = 5.86
SPIKE_AMP_LOG_SD = 0.355
SPIKE_REBOUND = 0.154
SPIKE_REBOUND_MS = 0.666
SPIKE_HALF_WIDTH_MS = 0.154
# Median over files of the one-sided power spectral density, (Hz, codes**2 / Hz), in
# log-spaced bands; the mean is dominated by a few files with large slow drifts.
PSD_TABLE = (
    (0.6809, 2.782), (1.262, 5.752), (2.341, 8.99), (4.341, 9.354), (8.049, 5.887),
    (14.92, 4.442), (27.67, 3.057), (51.32, 1.514), (95.15, 0.4577), (176.4, 0.1611),
    (327.2, 0.07379), (606.6, 0.03484), (1125, 0.0178), (2086, 0.008204), (3868, 0.003044),
    (7171, 0.001298),
)  # fmt: skip
# References for checks, not used by the generator: median standard deviation and order-0
# entropy (bits) of first differences of the codes.
DIFF_STD = 6.072
DIFF_ENTROPY = 4.642

MAX_UNITS = 3
REFRACTORY_S = 0.002
SPREAD_LIMIT = 2.0  # per-file draws stay within this many (log) standard deviations

#: The built-in set: how many recordings, and the seed they are drawn from.
DEFAULT_COUNT = 24
DEFAULT_SEED = 2024


def _draw(rng, median, log_sd):
    """A log-normal draw around ``median``, truncated at :data:`SPREAD_LIMIT` deviations."""
    return median * np.exp(log_sd * np.clip(rng.standard_normal(), -SPREAD_LIMIT, SPREAD_LIMIT))


def _background(rng, n, lfp_std, noise_sigma):
    """Gaussian noise with the shape of :data:`PSD_TABLE` and the given band levels."""
    # A power-of-two transform is fast, and truncating it hides the circular wrap-around.
    m = 1 << (n - 1).bit_length()
    freqs = np.fft.rfftfreq(m, 1 / RATE)
    table = np.log(np.array(PSD_TABLE))
    density = np.exp(np.interp(np.log(np.maximum(freqs, 1e-3)), table[:, 0], table[:, 1]))
    density[0] = 0.0
    low = freqs < SPLIT_HZ
    # The variance of a band is the integral of its one-sided density.
    step = RATE / m
    gain = np.where(
        low,
        lfp_std / np.sqrt(density[low].sum() * step),
        noise_sigma / np.sqrt(density[~low].sum() * step),
    )
    # rfft of unit white noise has E|X|^2 = m per bin; irfft divides by m.
    shape = gain * np.sqrt(density * step * m / 2)
    return np.fft.irfft(np.fft.rfft(rng.standard_normal(m)) * shape, m)[:n]


def _waveform(rng, amplitude):
    """A unit's spike waveform with a trough ``amplitude`` codes deep, and the trough's index."""
    width = SPIKE_HALF_WIDTH_MS * rng.uniform(0.8, 1.25) / 1000 / 2.3548  # half width to sigma
    delay = SPIKE_REBOUND_MS * rng.uniform(0.8, 1.25) / 1000
    rebound = SPIKE_REBOUND * rng.uniform(0.8, 1.25)
    pre = int(np.ceil(4 * width * RATE))
    t = np.arange(-pre, int(4 * delay * RATE)) / RATE
    # The rebound is broad and slow, as in the measured mean waveform.
    spread = 0.6 * delay
    shape = -np.exp(-0.5 * (t / width) ** 2) + rebound * np.exp(-0.5 * ((t - delay) / spread) ** 2)
    return amplitude * shape / -shape.min(), pre


def _spikes(rng, n, rate, noise_sigma):
    """The spikes of one to :data:`MAX_UNITS` units with a total rate of ``rate`` per second."""
    return _spike_train(rng, n, rate, noise_sigma)[0]


def _spike_train(rng, n, rate, noise_sigma):
    """:func:`_spikes`'s signal and its spikes' trough samples (sorted, every unit's)."""
    signal = np.zeros(n)
    troughs = []
    units = int(rng.integers(1, MAX_UNITS + 1))
    for share in rng.dirichlet(np.ones(units)):
        unit_rate = rate * share
        kernel, pre = _waveform(rng, noise_sigma * _draw(rng, SPIKE_AMP, SPIKE_AMP_LOG_SD))
        mean_gap = max(1 / unit_rate - REFRACTORY_S, 1e-4)
        # Twice the expected number of intervals nearly always spans the recording.
        gaps = REFRACTORY_S + rng.exponential(mean_gap, int(2 * unit_rate * n / RATE) + 8)
        times = np.round(np.cumsum(gaps) * RATE).astype(np.int64)
        times = times[times < n]
        train = np.zeros(n)
        # Spike heights vary a little from spike to spike, as in real units.
        np.add.at(train, times, rng.normal(1.0, 0.1, len(times)))
        signal += np.convolve(train, kernel)[pre : pre + n]
        troughs.append(times)  # the kernel's trough is its sample pre: at the impulse
    return signal, np.sort(np.concatenate(troughs))


#: The ADCs a synthetic set can be quantised by.
ADCS = {"implant": adc_tables.DEFAULT, "ideal": adc_tables.UNIFORM}


def quantise(signal, table):
    """The codes an ADC of code widths ``table`` gives for ``signal`` (in codes): code ``x``
    takes the inputs of ``[edge(x), edge(x + 1))``, the axis stretched so that its span is
    the 1024 codes' and shifted so that an ideal ADC rounds to nearest."""
    edges = np.array([table.edge(x) for x in range(CODE_COUNT + 1)], dtype=np.float64)
    scale = edges[-1] / CODE_COUNT
    position = (np.asarray(signal, dtype=np.float64) + 0.5) * scale
    codes = np.searchsorted(edges, position, side="right") - 1
    return np.clip(codes, 0, CODE_COUNT - 1)


def recording(index, seed=DEFAULT_SEED, seconds=5.0, adc="implant"):
    """The 10-bit ADC codes of synthetic recording ``index`` of the set ``seed``.

    Parameters
    ----------
    index : int
        File index within the set; each index has its own random stream.
    seed : int
        Seed of the whole set.
    seconds : float
        Duration; the recording has ``round(seconds * RATE)`` samples.
    adc : str
        The ADC that quantises it, a key of :data:`ADCS`.

    Returns
    -------
    numpy.ndarray
        Codes 0..1023 as ``int64``.
    """
    return recording_and_spikes(index, seed, seconds, adc)[0]


def recording_and_spikes(index, seed=DEFAULT_SEED, seconds=5.0, adc="implant"):
    """:func:`recording`'s codes, and the samples where its spikes have their troughs.

    The ground truth of spike detection: every spike the generator added (sorted; units may
    overlap), whether or not it rises above the noise. The codes are :func:`recording`'s,
    sample for sample.
    """
    rng = np.random.Generator(np.random.PCG64([seed, index]))
    n = int(round(seconds * RATE))
    dc = DC_CODE + DC_SD * np.clip(rng.standard_normal(), -SPREAD_LIMIT, SPREAD_LIMIT)
    lfp_std = _draw(rng, LFP_STD, LFP_LOG_SD)
    noise_sigma = _draw(rng, NOISE_SIGMA, NOISE_LOG_SD)
    rate = _draw(rng, SPIKE_RATE, SPIKE_RATE_LOG_SD)
    background = _background(rng, n, lfp_std, noise_sigma)  # drawn first, as always
    spikes, troughs = _spike_train(rng, n, rate, noise_sigma)
    signal = dc + background + spikes
    return quantise(signal, ADCS[adc]).astype(np.int64), troughs


def write_wav(path, codes):
    """Write ADC codes as a canonical 44-byte-header mono 16-bit PCM WAV file."""
    pathlib.Path(path).write_bytes(wav_bytes(codes))


def wav_bytes(codes):
    """ADC codes as the bytes of a canonical 44-byte-header mono 16-bit PCM WAV file."""
    data = np.array(CODE_TO_VALUE, dtype="<i2")[codes].tobytes()
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16, 1, 1, RATE, 2 * RATE, 2, 16,
        b"data", len(data),
    )  # fmt: skip
    return header + data


def generate(directory, count=DEFAULT_COUNT, seed=DEFAULT_SEED, seconds=5.0, adc="implant"):
    """Write a synthetic recording set.

    Parameters
    ----------
    directory : str or os.PathLike
        Where to write ``synth_000.wav``, ``synth_001.wav``, ...; created if missing.
    count : int
        Number of files.
    seed : int
        Seed of the set; the same seed gives the same bytes.
    seconds : float
        Duration of each file.
    adc : str
        The ADC that quantises the set, a key of :data:`ADCS`.

    Returns
    -------
    list of pathlib.Path
        The files written, in index order.
    """
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = directory / f"synth_{index:03d}.wav"
        write_wav(path, recording(index, seed, seconds, adc))
        paths.append(path)
    return paths


def main(argv=None):
    """Command line: ``neurorice synth DIR [--count N] [--seed S] [--seconds T] [--adc A]``."""
    parser = argparse.ArgumentParser(
        prog="python -m neurorice.synth", description=__doc__.split("\n")[0]
    )
    parser.add_argument("directory", type=pathlib.Path, help="where to write synth_NNN.wav")
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="number of files")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the set")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of a file (5.0)")
    parser.add_argument("--adc", choices=ADCS, default="implant",
                        help="the ADC's code widths: the implant's (default) or ideal")
    args = parser.parse_args(argv)
    paths = generate(args.directory, args.count, args.seed, args.seconds, args.adc)
    print(f"wrote {len(paths)} synthetic recordings to {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
