#!/usr/bin/env python3
"""A binary adaptive coder for the ADC's codes: what it would code at, and how many binary
decisions a sample it takes, against the real back ends on the same recordings.

The question it answers: a coder without multiplies (a binary arithmetic coder whose
interval split is a table lookup, as JPEG's QM or H.264's M coder) is the candidate for an
implant encoder within 1.5 times the Rice encoder's power; can it keep the adc back end's
ratio? Each sample is binarised around the code ``c0`` that holds the analog prediction
``P`` (the adc back end's, from the golden model), in the rank order (the missing code 511
last):

1. ``x == c0``?
2. above or below;
3. the distance less one in a Rice-like binarisation with parameter ``max(k - 1, 0)``: a
   unary prefix, then the suffix's bits, most significant first;

each decision coded with an adaptive probability of its context (16-bit state, moved
``1/2**RATE`` of the way each time: ideal code lengths, no coder loss). The contexts: ``k``
(as the adc back end's four), the decision, and for the DNL the widths of the codes at
stake: the first decision's ``c0``'s width class and where ``P`` sits in it, the last
suffix bit's two candidate codes' positions in the table's period; with the spans too, each
of the first four prefix decisions the mean width of its bucket's codes, and each other
suffix bit which half of the codes still in play is wider. Variants drop the width
contexts (what the ADC's widths are worth here) or change the estimator's rate.

    python tools/study/binary.py [--files N]     # the first N training recordings (default 40)
"""

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from golden import adc, core, interval, order  # noqa: E402
from neurorice import recordings  # noqa: E402
from neurorice.fast import core as fast  # noqa: E402

#: Probability state bits, and the longest unary prefix before the distance is sent in
#: 10 raw bits.
STATE_BITS = 16
PREFIX_LIMIT = 12
#: Where ``P`` sits in ``c0``'s interval: this many classes.
WHERE = 8


def captured(codes, table):
    """``(k, P, x)`` a sample, as the golden adc encoder sees them, and its bytes."""
    seen = []
    write = interval.IntervalEncoder.write

    def spy(self, k, sample):
        seen.append((k, self.model.analog_prediction(sample.previous, sample.correction),
                     sample.restored))
        return write(self, k, sample)

    interval.IntervalEncoder.write = spy
    try:
        size = len(core.encode(codes, 10, coder="adc", table=table))
    finally:
        interval.IntervalEncoder.write = write
    return seen, size


class Contexts:
    """Adaptive binary probabilities by context; the code length they give."""

    def __init__(self, rate):
        self.rate = rate
        self.state = {}
        self.bits = 0.0
        self.decisions = 0

    def code(self, context, bit):
        one = self.state.get(context, 1 << (STATE_BITS - 1))
        p = one / (1 << STATE_BITS) if bit else 1 - one / (1 << STATE_BITS)
        self.bits -= math.log2(p)
        self.decisions += 1
        if bit:
            one += ((1 << STATE_BITS) - one) >> self.rate
        else:
            one -= one >> self.rate
        self.state[context] = min(max(one, 1), (1 << STATE_BITS) - 1)


def width_class(width, mean=1 << adc.FRACTION_BITS):
    """Narrow, about average, or wide."""
    return 0 if width * 4 < mean * 3 else 2 if width * 4 > mean * 5 else 1


def code_sample(ctx, table, ranks, codes_of, k, p, x, dnl, spans=False):
    kc = min(k, interval.CONTEXTS - 1)
    # c0: the code whose interval holds P (the last code whose lower edge is at most P)
    c0 = min(max(_holding(table, p), 0), 1023)
    r0, rx = ranks[c0], ranks[x]
    w0 = table.edge(c0 + 1) - table.edge(c0)
    where = min(WHERE - 1, WHERE * (p - table.edge(c0)) // max(w0, 1))
    zero_ctx = ("z", kc) + ((width_class(w0), where) if dnl else ())
    ctx.code(zero_ctx, rx == r0)
    if rx == r0:
        return
    up = rx > r0
    below, above = (table.width(codes_of[r]) if 0 <= r < 1024 else 0
                    for r in (r0 - 1, r0 + 1))
    ctx.code(("s", kc) + ((where, width_class(below), width_class(above)) if dnl else ()), up)
    m = abs(rx - r0) - 1
    kb = max(k - 1, 0)
    u = m >> kb
    step = 1 if up else -1

    def widths(first, count):
        """The summed widths of ``count`` codes from rank ``first`` outwards."""
        return sum(table.width(codes_of[first + j * step]) for j in range(count)
                   if 0 <= first + j * step < 1024)

    def bucket(i):
        # with spans, the first four prefix decisions see their bucket's mean width
        if not spans or i > 3:
            return ()
        return (width_class(widths(r0 + (1 + (i << kb)) * step, 1 << kb) >> kb),)

    for i in range(min(u, PREFIX_LIMIT)):
        ctx.code(("u", kc, i) + bucket(i), True)
    if u >= PREFIX_LIMIT:
        ctx.bits += 10
        return
    ctx.code(("u", kc, u) + bucket(u), False)
    # the suffix, most significant bit first; the last bit chooses between two codes
    start, offset = r0 + (1 + (u << kb)) * step, 0
    for level in range(kb - 1, -1, -1):
        bit = (m >> level) & 1
        context = ("b", kc, level)
        if spans and level > 0:
            # with spans, the wider half of the codes still in play is the likelier
            near_half = widths(start + offset * step, 1 << level)
            far_half = widths(start + (offset + (1 << level)) * step, 1 << level)
            context += (0 if near_half * 5 < far_half * 4 else
                        2 if near_half * 4 > far_half * 5 else 1,)
        offset += bit << level
        if level == 0 and dnl:
            base = (m >> 1) << 1
            first = r0 + (1 + base if up else -(1 + base))
            second = first + (1 if up else -1)
            a = codes_of[first] if 0 <= first < 1024 else 0
            b = codes_of[second] if 0 <= second < 1024 else 0
            context += (up, a % table.period, b % table.period)
        ctx.code(context, bit)


def _holding(table, p):
    low, high = 0, 1023
    while low < high:
        middle = (low + high + 1) >> 1
        if table.edge(middle) <= p:
            low = middle
        else:
            high = middle - 1
    return low


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/train.zip")
    parser.add_argument("--files", type=int, default=40)
    args = parser.parse_args(argv)
    table = adc.DEFAULT
    ranks = order.of_table(table, 10).ranks
    codes_of = order.of_table(table, 10).codes
    streams = [r.codes for r in recordings.load(args.data, args.files) if r.codes is not None]
    variants = {"widths of the codes at stake and of the spans, rate 7": (True, 7, True),
                "widths of the codes at stake, rate 7": (True, 7, False),
                "widths of the codes at stake, rate 6": (True, 6, False),
                "no widths in the contexts, rate 7": (False, 7, False)}
    totals = {name: {"all": [0.0, 0], "even": [0.0, 0], "odd": [0.0, 0]} for name in variants}
    decisions = {name: 0 for name in variants}
    adc_bits = {"all": 0, "even": 0, "odd": 0}
    others = {c: {"all": 0, "even": 0, "odd": 0} for c in ("rice", "arith")}
    samples = {"all": 0, "even": 0, "odd": 0}
    for index, codes in enumerate(streams):
        seen, size = captured(codes, table)
        half = "even" if index % 2 == 0 else "odd"
        for h in ("all", half):
            adc_bits[h] += 8 * size
            samples[h] += len(codes)
            for coder in others:
                others[coder][h] += 8 * len(fast.encode(codes, 10, coder=coder, table=table))
        for name, (dnl, rate, spans) in variants.items():
            ctx = Contexts(rate)
            for k, p, x in seen:
                code_sample(ctx, table, ranks, codes_of, k, p, x, dnl, spans)
            decisions[name] += ctx.decisions
            for h in ("all", half):
                totals[name][h][0] += ctx.bits
    print(f"{len(streams)} recordings, {samples['all']} samples")
    print("| coder | bits a sample: all | even | odd | binary decisions a sample |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for coder in others:
        print(f"| `{coder}` back end (the real coder's bytes) | "
              + " | ".join(f"{others[coder][h] / samples[h]:.4f}"
                           for h in ("all", "even", "odd")) + " | – |")
    print("| `adc` back end (the real coder's bytes) | "
          + " | ".join(f"{adc_bits[h] / samples[h]:.4f}" for h in ("all", "even", "odd"))
          + " | – |")
    for name in variants:
        print(f"| binary, {name} (ideal code lengths) | "
              + " | ".join(f"{totals[name][h][0] / samples[h]:.4f}"
                           for h in ("all", "even", "odd"))
              + f" | {decisions[name] / samples['all']:.2f} |")


if __name__ == "__main__":
    main()
