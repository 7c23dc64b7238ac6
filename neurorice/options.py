"""Command-line options that several commands share, defined once.

The recordings a command reads (``data``, or ``--data`` for the hardware commands whose
positional arguments are other things), ``--files`` (which of them: see
:mod:`neurorice.recordings`) and ``--jobs`` read the same way in every command.

``--coder`` takes its names and help from :data:`golden.backends.BACK_ENDS`; its default is
:data:`~golden.backends.DEFAULT_CODER` (what ``./encode`` writes) for the file codec's
commands and :data:`~golden.backends.HARDWARE_CODER` for the hardware commands, each stated
in the help.
"""

import argparse
import os

from golden.backends import BACK_ENDS, CODERS, DEFAULT_CODER, HARDWARE_CODER

from .recordings import DEFAULT_DATA

__all__ = ["add_coder", "add_data", "add_files", "add_jobs", "positive"]


def positive(text):
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_data(parser, *, option=False):
    """Add the recordings to read: a positional ``data`` (or ``--data`` with ``option``)."""
    help = ("data.zip, a directory of .wav recordings or one .wav file"
            " (default: ../shared/data/train.zip beside the repository)")
    if option:
        parser.add_argument("--data", default=str(DEFAULT_DATA), metavar="ZIP", help=help)
    else:
        parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA), help=help)


def add_files(parser, *, default=None):
    """Add ``--files N``: N recordings spread over the set, both ends included."""
    parser.add_argument(
        "--files", type=positive, default=default, metavar="N",
        help="use N recordings spread over the set, its first and last included"
             f" (default: {default if default is not None else 'all'})")


def add_jobs(parser):
    """Add ``--jobs N``: recordings processed at once."""
    parser.add_argument("--jobs", type=positive, default=os.cpu_count() or 1, metavar="N",
                        help="recordings processed at once (default: all cores)")


def add_coder(parser, *, hardware=False, several=False, extra=()):
    """Add ``--coder`` to ``parser``.

    ``hardware`` selects the hardware commands' default; ``several`` takes one or more back
    ends (a list); ``extra`` are further choices, ``(name, meaning)`` pairs, such as
    ``("all", "every back end")``.
    """
    default = HARDWARE_CODER if hardware else DEFAULT_CODER
    why = ("the smallest hardware" if hardware else "what ./encode writes")
    names = "; ".join(f"{name}: {end.summary}" for name, end in BACK_ENDS.items())
    names += "".join(f"; {name}: {meaning}" for name, meaning in extra)
    parser.add_argument(
        "--coder", choices=(*CODERS, *(name for name, _ in extra)),
        nargs="+" if several else None, default=[default] if several else default,
        metavar="NAME",
        help=f"the back end{'s, each measured in the same run' if several else ''}"
             f" (default {default}, {why}). {names}")
