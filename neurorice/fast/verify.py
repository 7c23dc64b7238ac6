"""``neurorice verify-fast [DATA]``: the fast path against the golden model, on every recording.

For each recording and back end (``--coder`` one of :data:`golden.core.CODERS`, by default
``adc``, what ``./encode`` writes; ``both``, rice and arith; or ``all``): the fast
container's compressed file must be the golden container's, byte for byte, and the fast
container must restore the recording from it. The golden arithmetic coder takes about 1.75
times as long as the Rice one, the ADC-aware one (``adc``, with the built-in width table)
about 2.5 times. The golden model takes about a second a recording, so the 493 training
recordings take a few minutes on all cores: too long for the test suite, which checks a few
whole recordings and the beginning of every one (``tests/test_fast_container.py``); CI runs
this.
"""

import argparse
import sys
import time

from golden.core import CODERS

from ..recordings import RecordingsError
from ..recordings import load as load_recordings
from ..parallel import map_processes
from ..progress import Bar as Progress
from ..options import add_coder, add_data, add_files, add_jobs

#: The back ends of the choices that name several.
CHOICES = {"both": ("rice", "arith"), "all": CODERS}


def check(item):
    """``None`` if the fast path matches the golden model on ``(name, original, coders)``,
    else why."""
    from golden import container as golden

    from . import container as fast

    name, original, coders = item
    for coder in coders:
        expected = golden.compress(original, coder=coder)
        if fast.compress(original, coder=coder) != expected:
            return f"{name}: the fast path compresses it differently ({coder})"
        if fast.decompress(expected) != original:
            return f"{name}: the fast path does not restore it ({coder})"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="neurorice verify-fast",
        description="Check the fast codec against the golden model, byte for byte.")
    add_data(parser)
    add_files(parser)
    add_jobs(parser)
    add_coder(parser, extra=[("both", "rice and arith"), ("all", "every back end")])
    args = parser.parse_args(argv)
    try:
        from . import require

        require()
        recordings = [(r.name, r.data) for r in load_recordings(args.data, args.files)]
    except (ImportError, RecordingsError, OSError) as error:
        print(f"neurorice verify-fast: error: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    progress = Progress(len(recordings), "verify-fast", log_tenths=True)
    failures = []
    coders = CHOICES.get(args.coder, (args.coder,))
    items = [(name, original, coders) for name, original in recordings]
    for failure in map_processes(check, items, args.jobs, progress, chunksize=2):
        if failure:
            failures.append(failure)
    progress.close()
    for failure in failures:
        print(f"verify-fast: {failure}")
    print(f"{len(recordings)} recordings, {len(recordings) - len(failures)} identical to the"
          f" golden model, {len(failures)} not; {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
