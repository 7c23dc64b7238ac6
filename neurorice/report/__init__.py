"""The hardware report: what the encoder costs, measured by the tools on the recordings.

``neurorice report`` (:mod:`.command`) builds it, one module a concept:

- :mod:`.design`: the configuration and its Verilog;
- :mod:`.tools`: Yosys and nextpnr from PyPI, cached;
- :mod:`.synthesis`: generic synthesis (cells, flip-flops, memory bits, gate netlist);
- :mod:`.ice40`: iCE40 UP5K place and route (LCs, EBR, SPRAM, DSP, Fmax);
- :mod:`.gatesim`: the gate netlist simulated on recordings, toggles counted;
- :mod:`.timing`: latency, throughput and look-ahead;
- power: not here; `neurorice asic` (:mod:`neurorice.asic`) measures it on SKY130;
- :mod:`.recordings`, :mod:`.compression`: the recordings and the codec's figures on them;
- :mod:`.plots`, :mod:`.document`: the figures and the Markdown.
"""

from .command import main

__all__ = ["main"]
