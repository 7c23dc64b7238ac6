"""Command-line options that several commands share, defined once.

``--coder`` takes its names and help from :data:`golden.backends.BACK_ENDS`; its default is
:data:`~golden.backends.DEFAULT_CODER` (what ``./encode`` writes) for the file codec's
commands and :data:`~golden.backends.HARDWARE_CODER` for the hardware commands, each stated
in the help.
"""

from golden.backends import BACK_ENDS, CODERS, DEFAULT_CODER, HARDWARE_CODER

__all__ = ["add_coder"]


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
