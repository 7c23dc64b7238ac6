"""``neurorice near-check [DATA] [--near D,...]``: the near-lossless bound, on every recording.

For each recording and each δ, through the fast path as ``./encode --near D`` and ``./decode``
run it: the compressed file must record δ (0 for lossless), and the restored file must have
the original's length, header and trailing bytes, and every sample's ADC code within ±δ of
the original's; with δ = 0 it must be the original byte for byte, and the compressed file
the lossless codec's. Prints the compression ratio of each δ over the set (the challenge's
scoring: raw bytes over compressed bytes).
"""

import argparse
import sys
import time

from golden.near import max_near
from golden.samples import CODE_BITS

from .recordings import RecordingsError
from .recordings import load as load_recordings
from .options import add_coder, add_data, add_files, add_jobs
from .parallel import map_processes
from .progress import Bar as Progress

DEFAULT_NEARS = "0,1,2,4,8"


def check(item):
    """``(failures, sizes)`` of ``(name, original, nears, coder)``; sizes[i] is δ =
    nears[i]'s."""
    import numpy as np

    from golden import container
    from golden.wav import locate_pcm16

    from .fast import container as fast

    name, original, nears, coder = item
    table = np.frombuffer(fast.TO_CODE, np.uint16)  # 0xFFFF: off the lattice
    failures, sizes = [], []
    layout = locate_pcm16(original)
    on_lattice = False
    if layout is not None:
        body, count, _, _ = layout
        codes = table[np.frombuffer(original, "<u2", count, body)]
        on_lattice = bool((codes != 0xFFFF).all())
    for near in nears:
        coded = fast.compress(original, coder=coder, near=near)  # as ./encode --near
        sizes.append(len(coded))
        restored = fast.decompress(coded)
        recorded = container.near_of(coded)
        if recorded != (near if on_lattice and coded[4] == container.CORE else 0):
            failures.append(f"{name}: δ = {near} recorded as {recorded}")
        if near == 0 or recorded == 0:
            if restored != original:
                failures.append(f"{name}: δ = {near}: not restored byte for byte")
            if near == 0 and coded != fast.compress(original, coder=coder):
                failures.append(f"{name}: δ = 0 is not the lossless codec's file")
            continue
        tail = body + 2 * count
        if len(restored) != len(original) or (restored[:body], restored[tail:]) != (
                original[:body], original[tail:]):
            failures.append(f"{name}: δ = {near}: header or trailing bytes changed")
            continue
        back = table[np.frombuffer(restored, "<u2", count, body)]
        error = int(np.abs(back.astype(np.int32) - codes.astype(np.int32)).max(initial=0))
        if (back == 0xFFFF).any() or error > near:
            failures.append(f"{name}: δ = {near}: a code off by {error}")
    return failures, sizes


#: The largest bound of the 10-bit codes ``./encode --near`` takes.
MAX_NEAR = max_near(CODE_BITS)


def parse_nears(text):
    """``"0,1,2"`` as ``[0, 1, 2]``; ``ValueError`` naming the bad bound."""
    nears = []
    for part in text.split(","):
        if not (part.isdecimal() and part.isascii() and int(part) <= MAX_NEAR):
            raise ValueError(f"--near takes bounds 0..{MAX_NEAR} separated by commas, "
                             f"not {part!r}")
        nears.append(int(part))
    return nears


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="neurorice near-check",
        description="Check the near-lossless bound through the fast path on every recording.")
    add_data(parser)
    parser.add_argument("--near", default=DEFAULT_NEARS,
                        help=f"the bounds δ to check, comma-separated (default {DEFAULT_NEARS})")
    add_files(parser)
    add_jobs(parser)
    add_coder(parser)
    args = parser.parse_args(argv)
    try:
        nears = parse_nears(args.near)
    except ValueError as error:
        parser.error(str(error))
    try:
        from .fast import require

        require()
        recordings = [(r.name, r.data) for r in load_recordings(args.data, args.files)]
    except (ImportError, RecordingsError, OSError) as error:
        print(f"neurorice near-check: error: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    progress = Progress(len(recordings), "near-check", log_tenths=True)
    failures, totals = [], [0] * len(nears)
    raw = sum(len(original) for _, original in recordings)
    items = [(name, original, nears, args.coder) for name, original in recordings]
    for failed, sizes in map_processes(check, items, args.jobs, progress, chunksize=2):
        failures += failed
        totals = [t + s for t, s in zip(totals, sizes)]
    progress.close()
    for failure in failures:
        print(f"near-check: {failure}")
    for near, total in zip(nears, totals):
        print(f"δ = {near}: ratio {raw / total:.3f} ({raw} bytes to {total})")
    print(f"{len(recordings)} recordings, δ = {args.near}: {len(failures)} failures;"
          f" {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
