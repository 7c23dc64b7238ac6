"""Where neurorice caches builds and tool runs: outside the source tree.

``$NEURORICE_CACHE`` if set, else ``$XDG_CACHE_HOME/neurorice``, else
``~/.cache/neurorice``. Verilator harnesses (:mod:`neurorice.harness`) and tool runs
(:mod:`neurorice.hardware.tools`: synthesis, place and route, Liberty parses) are kept there
under names that hash what made them, so a cache may be shared by several clones and
deleted at any time.
"""

import os
from pathlib import Path

__all__ = ["root"]


def root():
    """The cache directory (not created here)."""
    if os.environ.get("NEURORICE_CACHE"):
        return Path(os.environ["NEURORICE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "neurorice"
