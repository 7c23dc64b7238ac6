"""``neurorice calibrate``: fit an ADC's code widths from its recordings.

The fit is the code-density (histogram) test of ADC characterisation: a code's width is
how often it occurs against how often a smooth signal would make it occur. Counts of every
10-bit code are pooled over the recordings; the smooth expectation of a code is the mean
of the counts over one period either side, each divided by its code's current width, so
that the pattern of widths does not leak into it; and the widths are refitted from that, a
few times over:

- the period's widths: each position's counts over its expectations, pooled over every
  block of the period (the codes near either end of the range, where clipping piles up
  counts, left out), scaled so that the period sums to ``period << FRACTION_BITS``;
- exceptions: the codes whose own counts are furthest from their position's width by the
  Poisson log-likelihood ratio (at least :data:`EVIDENCE` nats, at most ``--exceptions``),
  each shrunk towards its position's width by :data:`SHRINK` counts, so that a rare code
  gets no width of its own from a few samples.

The recordings are split by name, alternately into a fitting half and a held-back half; the
table fitted on the first is scored on the second against an ideal ADC's (compressed
sizes with the ``adc`` back end), to show that the fit generalises. The table written is
fitted on all of DATA. ``./encode --table TABLE`` uses it; the container then carries it.
"""

import argparse
import math
import sys
import time

from golden import adc
from golden.adc import FRACTION_BITS, AdcTable

from .options import add_data, add_files
from .widthtable import to_json

#: Codes at either end of the range that the fit leaves out of the period's widths.
MARGIN = 16
#: Least evidence, in nats of log-likelihood ratio, for a code of a width of its own.
EVIDENCE = 1000.0
#: Pseudo-counts that shrink an exception's width towards its position's.
SHRINK = 100.0
#: Refits of the widths against the smooth expectation.
ROUNDS = 4


def histogram(streams, width):
    """Counts of every ``width``-bit code over ``streams`` (lists of codes)."""
    counts = [0] * (1 << width)
    for stream in streams:
        for code in stream:
            counts[code] += 1
    return counts


def _smooth(values, period):
    """Each value's mean over ``period`` neighbours either side, the two farthest at half
    weight: a window of exactly two periods, so the pattern of widths averages out."""
    size = len(values)
    out = []
    for x in range(size):
        total = weight = 0.0
        for d in range(-period // 2, period // 2 + 1):
            y = x + d
            if 0 <= y < size:
                w = 0.5 if abs(d) == period // 2 else 1.0
                total += w * values[y]
                weight += w
        out.append(total / weight)
    return out


def _evidence(count, expected):
    """The Poisson log-likelihood ratio of ``count`` against ``expected``, in nats."""
    if expected <= 0:
        return 0.0
    if count == 0:
        return expected
    return count * math.log(count / expected) - (count - expected)


def fit(counts, period=32, exceptions=2):
    """The :class:`golden.adc.AdcTable` of the code ``counts`` (one a code)."""
    size = len(counts)
    if size & (size - 1) or period > size or period & (period - 1):
        raise ValueError("the code count and the period must be powers of two, period <= codes")
    if sum(counts) == 0:
        raise ValueError("no samples to fit")
    margin = min(MARGIN, size // 4)
    inner = range(margin, size - margin)
    ratio = [1.0] * size
    chosen = {}
    for _ in range(ROUNDS):
        expected = _smooth([c / r for c, r in zip(counts, ratio)], period)
        seen, due = [0.0] * period, [0.0] * period
        for x in inner:
            if x not in chosen:
                seen[x % period] += counts[x]
                due[x % period] += expected[x]
        widths = [s / d if d > 0 else 1.0 for s, d in zip(seen, due)]
        mean = sum(widths) / period
        widths = [w / mean for w in widths] if mean > 0 else [1.0] * period
        ranked = sorted(((_evidence(counts[x], expected[x] * widths[x % period]), x)
                         for x in inner), reverse=True)
        chosen = {x: (counts[x] + SHRINK * widths[x % period]) / (expected[x] + SHRINK)
                  for evidence, x in ranked[:exceptions] if evidence >= EVIDENCE}
        ratio = [chosen.get(x, widths[x % period]) for x in range(size)]
    return AdcTable(_integer_widths(widths), {
        x: min(adc.MAX_WIDTH, round(r * (1 << FRACTION_BITS))) for x, r in chosen.items()})


def _integer_widths(widths):
    """Widths in units, rounded so that they sum to exactly ``period << FRACTION_BITS``
    (largest remainders first), each within ``0 .. MAX_WIDTH``."""
    unit = 1 << FRACTION_BITS
    scaled = [min(w * unit, adc.MAX_WIDTH) for w in widths]
    out = [int(math.floor(v)) for v in scaled]
    order = sorted(range(len(out)), key=lambda i: out[i] - scaled[i])
    for i in order[: len(out) * unit - sum(out)]:
        out[i] += 1
    return out


def compressed_size(streams, table):
    """Bytes of the ``adc`` back end's streams of ``streams`` with ``table`` (fast path)."""
    from neurorice.fast import core
    return sum(len(core.encode(stream, 10, coder="adc", table=table)) for stream in streams)


def main(argv=None):
    from neurorice import recordings
    parser = argparse.ArgumentParser(prog="neurorice calibrate",
                                     description=__doc__.split("\n\n")[0])
    add_data(parser)
    parser.add_argument("-o", "--output", required=True, help="the width table to write (JSON)")
    parser.add_argument("--period", type=int, default=32, help="codes a period (default 32)")
    parser.add_argument("--exceptions", type=int, default=2,
                        help="most codes of a width of their own (default 2: more, chosen by "
                             "evidence alone, measured worse; tools/study/README.md)")
    add_files(parser)
    options = parser.parse_args(argv)
    if options.period < 1 or options.period & (options.period - 1) or options.period > 1024:
        parser.error("--period must be a power of two, 1 to 1024")
    if not 0 <= options.exceptions <= adc.MAX_EXCEPTIONS:
        parser.error(f"--exceptions must be 0..{adc.MAX_EXCEPTIONS}")
    started = time.time()
    try:
        streams = [r.codes for r in recordings.load(options.data, options.files)
                   if r.codes is not None]
    except (OSError, ValueError, recordings.RecordingsError) as error:
        print(f"neurorice calibrate: {error}", file=sys.stderr)
        return 1
    if len(streams) < 2:
        print("neurorice calibrate: need at least two recordings of 10-bit ADC codes",
              file=sys.stderr)
        return 1
    fitting, held = streams[0::2], streams[1::2]
    part = fit(histogram(fitting, 10), options.period, options.exceptions)
    table = fit(histogram(streams, 10), options.period, options.exceptions)
    sizes = {name: compressed_size(held, t) for name, t in
             (("uniform (an ideal ADC)", adc.UNIFORM), ("fitted on the other half", part),
              ("built-in default", adc.DEFAULT))}
    raw = sum(2 * len(s) for s in held)
    print(f"{len(streams)} recordings: fitted on {len(fitting)}, scored on the other {len(held)}"
          f" ({sum(map(len, held))} samples)")
    base = sizes["uniform (an ideal ADC)"]
    for name, size in sizes.items():
        print(f"  {name:26} {raw / size:.4f} (payload ratio), {100 * (base / size - 1):+.2f} %")
    print(f"table: period {table.period}, widths {list(table.widths)},"
          f" exceptions {table.exceptions}")
    try:
        with open(options.output, "w", encoding="utf-8") as out:
            out.write(to_json(table))
    except OSError as error:
        print(f"neurorice calibrate: cannot write {options.output}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {options.output} ({time.time() - started:.0f} s)")
    return 0
