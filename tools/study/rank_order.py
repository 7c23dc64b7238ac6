#!/usr/bin/env python3
"""What the rank order (the ADC's missing codes last, golden.order) buys the Rice and
arithmetic-coded back ends, on all training recordings and on each half.

Codes every recording's ADC codes with the fast path (bit-identical to the golden model)
under three width tables: the uniform one (the natural order, as format versions 1-3), the
built-in one (code 511 last, what ./encode writes), and the built-in one with code 510 moved
too (width 1 in the table: rare, not missing). Prints bits a sample and the change against
the natural order as a Markdown table, and how often codes 510 and 511 occur.

    python tools/study/rank_order.py [--files N]    # N training recordings (default all)
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from golden import adc  # noqa: E402
from neurorice import recordings  # noqa: E402
from neurorice.fast import core  # noqa: E402

TABLES = {
    "natural order": adc.UNIFORM,
    "511 last (built-in table)": adc.DEFAULT,
    "510 and 511 last": adc.AdcTable(adc.DEFAULT.widths, {510: 0, 511: 0}),
}


def bits_a_sample(streams, coder, table):
    samples = sum(len(s) for s in streams)
    return 8 * sum(len(core.encode(s, 10, coder=coder, table=table)) for s in streams) / samples


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/train.zip")
    parser.add_argument("--files", type=int, default=None)
    args = parser.parse_args(argv)
    streams = [r.codes for r in recordings.load(args.data, args.files) if r.codes is not None]
    halves = {"all": streams, "even": streams[0::2], "odd": streams[1::2]}
    print(f"{len(streams)} recordings, {sum(map(len, streams))} samples; code 510 occurs"
          f" {sum(s.count(510) for s in streams)} times, 511 {sum(s.count(511) for s in streams)}")
    print("| back end | order | " + " | ".join(f"{h}: bits a sample (change)" for h in halves)
          + " |")
    print("| --- | --- |" + " --- |" * len(halves))
    for coder in ("rice", "arith"):
        base = {h: bits_a_sample(s, coder, adc.UNIFORM) for h, s in halves.items()}
        for name, table in TABLES.items():
            cells = []
            for h, s in halves.items():
                bits = base[h] if table is adc.UNIFORM else bits_a_sample(s, coder, table)
                cells.append(f"{bits:.4f} ({100 * (bits / base[h] - 1):+.2f} %)")
            print(f"| `{coder}` | {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
