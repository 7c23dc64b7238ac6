"""The hardware the encoder is built for, in one place: the FPGA parts the report places it
on, and the standard-cell libraries the ASIC flow maps it to.

- :data:`UP5K`: the iCE40 UltraPlus 5K, the implant's FPGA (:mod:`neurorice.report.ice40`);
- :data:`ECP5_PARTS`: the Lattice ECP5 parts a design that does not fit the UP5K is placed
  on, smallest first (:mod:`neurorice.report.ecp5`);
- :data:`SKY130_HD`: SkyWater SKY130's high-density library, as one profile: where it lives
  in a PDK, its corner, and the cells the flow itself places or names (the rest come from
  Yosys's mapping). Every cell name of the ASIC flow (:mod:`neurorice.asic`) comes from
  here, so that another library is one profile more in :data:`LIBRARIES`.

A part's figures are its data sheet's, the limits a design is measured against.
"""

from dataclasses import dataclass

__all__ = ["ECP5_PARTS", "FPGAS", "LIBRARIES", "SKY130_HD", "UP5K", "Library"]

#: The iCE40 UltraPlus 5K in its 48-pin QFN: logic cells (LUT4 and flip-flop), 4 kbit block
#: RAMs (EBR), 256 kbit single-port RAMs (SPRAM), 16 x 16 multipliers (DSP).
UP5K = {"device": "up5k", "package": "sg48", "logic_cells": 5280, "ebr": 30, "spram": 4,
        "dsp": 8}

#: The ECP5 parts nextpnr supports, smallest first: nextpnr's option, the part, the package
#: (one that every size comes in) and what the data sheet (Lattice FPGA-DS-02012) gives it:
#: LUT4s, 18 kbit block RAMs, 18x18 multipliers.
ECP5_PARTS = (
    {"option": "--12k", "device": "LFE5U-12F", "package": "CABGA381",
     "luts": 12288, "bram": 32, "dsp": 28},
    {"option": "--25k", "device": "LFE5U-25F", "package": "CABGA381",
     "luts": 24288, "bram": 56, "dsp": 28},
    {"option": "--45k", "device": "LFE5U-45F", "package": "CABGA381",
     "luts": 43848, "bram": 108, "dsp": 72},
    {"option": "--85k", "device": "LFE5U-85F", "package": "CABGA381",
     "luts": 83640, "bram": 208, "dsp": 156},
)

#: FPGA families by name: their parts, smallest first.
FPGAS = {"ice40": (UP5K,), "ecp5": ECP5_PARTS}


@dataclass(frozen=True)
class Library:
    """A standard-cell library: ``pdk`` and ``name`` as a PDK lays them out
    (``$PDK_ROOT/<pdk>/libs.ref/<name>/``), the Liberty ``corner``, and the cells by role."""

    pdk: str
    name: str
    corner: str
    #: the tie cell (HI and LO) Yosys's ``hilomap`` uses
    tie: str
    #: what drives the design's inputs in timing, and ABC's view of them
    inverter: str
    #: the clock tree's buffer, and the buffer of high-fanout nets
    clock_buffer: str
    buffer: str
    #: an integrated clock gate (latch and AND): the clock-gated flip-flop groups
    clock_gate: str
    #: the latch-array memory model: the storage latch, the read tree's AND and OR, the
    #: row decoder's AND, the write data's driver, a read port's output register, and a
    #: segmented write line's gated repeater (a segment is a bank long)
    latch: str
    read_and: str
    read_or: str
    decoder: str
    driver: str
    flop: str
    repeater: str

    def cell(self, kind):
        """The library's cell of the base name ``kind`` (e.g. ``"inv_2"``)."""
        return f"{self.name}__{kind}"


SKY130_HD = Library(
    pdk="sky130A", name="sky130_fd_sc_hd", corner="tt_025C_1v80",
    tie="sky130_fd_sc_hd__conb_1", inverter="sky130_fd_sc_hd__inv_2",
    clock_buffer="sky130_fd_sc_hd__clkbuf_4", buffer="sky130_fd_sc_hd__buf_4",
    clock_gate="sky130_fd_sc_hd__dlclkp_1", latch="sky130_fd_sc_hd__dlxtp_1",
    read_and="sky130_fd_sc_hd__and2_1", read_or="sky130_fd_sc_hd__or4_1",
    decoder="sky130_fd_sc_hd__and4_1", driver="sky130_fd_sc_hd__and2_4",
    flop="sky130_fd_sc_hd__dfxtp_1", repeater="sky130_fd_sc_hd__and2_1",
)

#: Standard-cell libraries by name.
LIBRARIES = {SKY130_HD.name: SKY130_HD}
