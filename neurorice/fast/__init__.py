"""The fast path: the golden model's codec compiled, bit-identical to it.

:mod:`golden` is the specification, in plain Python, at about 0.1 M samples/s. This package
is the same codec at C speed, for ``./encode``, ``./decode``, ``neurorice compress`` and
``neurorice bench``: :mod:`neurorice.fast.core` has the signatures of :mod:`golden.core`,
:mod:`neurorice.fast.container` those of :mod:`golden.container`. The C module ``_core`` is
built by the package (``make setup``, that is ``pip install -e .``; ``setup.py``) next to
its source. Importing either module without it raises :class:`NotBuilt`.

How this was chosen, measured on the training recordings (``README.md`` has the figures):
the golden source compiled as it is (mypyc, Cython) runs at under 0.2 M samples/s, since it
is made of Python objects; numpy cannot vectorise a per-sample adaptive coder over one
channel, and importing it costs about 100 ms a process; a JIT pays its start-up in every
process. A small C core does both the codec and the per-sample container work.
"""

try:
    from . import _core
except ImportError as error:
    _core = None
    _reason = str(error)
else:
    _reason = None


class NotBuilt(ImportError):
    """The C core is not built: the fast path is unavailable."""


#: What to tell a user who runs without the C core.
NOT_BUILT = "fast codec not built (run `make setup`)"


def require():
    """The C module; :class:`NotBuilt` if it is missing."""
    if _core is None:
        raise NotBuilt(f"{NOT_BUILT}: {_reason}")
    return _core
