"""The FPGA report: what the encoder costs, measured by the tools on the recordings.

``neurorice report`` (:mod:`.command`) builds it, one module a concept, on the shared
hardware tooling of :mod:`neurorice.hardware` (configurations, tool runs, stimulus,
gate-level simulation, latency):

- :mod:`.synthesis`: generic synthesis (cells, flip-flops, memory bits, gate netlist);
- :mod:`.ice40`: iCE40 UP5K place and route (LCs, EBR, SPRAM, DSP, Fmax);
- :mod:`.ecp5`: an ECP5 for a design that does not fit the UP5K;
- :mod:`.compression`: the codec's figures on the recordings;
- :mod:`.plots`, :mod:`.document`: the figures and the Markdown.

Power is not here: ``neurorice asic`` (:mod:`neurorice.asic`) measures it on SKY130.
"""

from .command import main

__all__ = ["main"]
