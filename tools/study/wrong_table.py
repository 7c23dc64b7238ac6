#!/usr/bin/env python3
"""What a wrong width table costs: each table on recordings of each ADC.

Codes the built-in synthetic set (``neurorice.synth``, 24 recordings of 5 s) quantised by
an ideal ADC and by the implant's (its code widths, ``golden.adc.DEFAULT``), and the
training recordings, with the ``adc`` back end under the uniform table and the built-in
one, and prints the payload ratios (16-bit samples over coded bytes) as a Markdown table.

    python tools/study/wrong_table.py [--files N]    # N training recordings (default all)
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from golden import adc  # noqa: E402
from neurorice import synth  # noqa: E402
from neurorice.fast import core  # noqa: E402
from neurorice import recordings  # noqa: E402

TABLES = {"uniform (an ideal ADC's)": adc.UNIFORM, "built-in (the implant's ADC)": adc.DEFAULT}


def ratio(streams, table):
    raw = sum(2 * len(s) for s in streams)
    return raw / sum(len(core.encode(s, 10, coder="adc", table=table)) for s in streams)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, help="training recordings (default all)")
    options = parser.parse_args()
    sets = {
        f"synthetic, ideal ADC ({synth.DEFAULT_COUNT} files)":
            [synth.recording(i, adc="ideal").tolist() for i in range(synth.DEFAULT_COUNT)],
        f"synthetic, the implant's ADC ({synth.DEFAULT_COUNT} files)":
            [synth.recording(i).tolist() for i in range(synth.DEFAULT_COUNT)],
    }
    train = [r.codes for r in recordings.load(recordings.DEFAULT_DATA, options.files)
             if r.codes is not None]
    sets[f"training recordings ({len(train)})"] = train
    print("| recordings | " + " | ".join(TABLES) + " | the wrong table costs |")
    print("| --- |" + " ---: |" * (len(TABLES) + 1))
    for name, streams in sets.items():
        ratios = [ratio(streams, t) for t in TABLES.values()]
        right = ratios[0] if "ideal" in name else ratios[1]
        wrong = ratios[1] if "ideal" in name else ratios[0]
        print(f"| {name} | " + " | ".join(f"{r:.4f}" for r in ratios)
              + f" | {100 * (1 - wrong / right):.2f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
