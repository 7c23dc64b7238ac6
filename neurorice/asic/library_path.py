"""Where the standard-cell library is: ``--liberty`` and ``--cell-models``, or ``PDK_ROOT``
laid out as open_pdks installs it (``$PDK_ROOT/sky130A/libs.ref/sky130_fd_sc_hd/``)."""

import os
import pathlib

from ..hardware.targets import SKY130_HD

__all__ = ["LibraryNotFound", "locate", "locate_lef"]

#: The library and corner the flow reads under ``PDK_ROOT``.
PDK = SKY130_HD.pdk
LIBRARY = SKY130_HD.name
CORNER = SKY130_HD.corner

HOW_TO_GET = ("install the SKY130 PDK with the PDK manager ciel (pip install ciel; "
              "ciel enable --pdk-family sky130 <open_pdks version>) and set PDK_ROOT, or "
              "give --liberty and --cell-models")


class LibraryNotFound(RuntimeError):
    """No standard-cell library where the flow looked."""


def locate(liberty=None, cell_models=None, environ=None):
    """``(Liberty file, [cell model Verilog files])``, or :class:`LibraryNotFound` saying
    where it looked and how to get a library."""
    environ = os.environ if environ is None else environ
    if liberty is None or cell_models is None:
        root = environ.get("PDK_ROOT")
        if not root:
            raise LibraryNotFound(f"no standard-cell library: PDK_ROOT is not set; "
                                  f"{HOW_TO_GET}")
        base = pathlib.Path(root) / PDK / "libs.ref" / LIBRARY
        liberty = liberty or base / "lib" / f"{LIBRARY}__{CORNER}.lib"
        cell_models = cell_models or [base / "verilog" / "primitives.v",
                                      base / "verilog" / f"{LIBRARY}.v"]
    # absolute: the tools run in directories of their own
    liberty = pathlib.Path(liberty).resolve()
    cell_models = [pathlib.Path(p).resolve() for p in cell_models]
    for path in (liberty, *cell_models):
        if not path.is_file():
            raise LibraryNotFound(f"no standard-cell library: {path} does not exist; "
                                  f"{HOW_TO_GET}")
    return liberty, cell_models


def locate_lef(liberty, lef=None):
    """The cells' LEF: ``lef``, or where open_pdks puts it beside the Liberty file
    (``<library>/lef/<library>.lef``); :class:`LibraryNotFound` if it is not there."""
    path = pathlib.Path(lef) if lef else \
        pathlib.Path(liberty).resolve().parent.parent / "lef" / f"{LIBRARY}.lef"
    if not path.is_file():
        raise LibraryNotFound(f"no cell LEF for placement: {path} does not exist; "
                              f"{HOW_TO_GET}, or give --lef")
    return path
