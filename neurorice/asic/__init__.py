"""``neurorice asic``: the encoder on a standard-cell library (SKY130 ``sky130_fd_sc_hd``):
area, timing (OpenSTA), gate-level equivalence with the golden model, and power priced
with the library's tables from gate-level runs on real recordings."""

from .command import main

__all__ = ["main"]
