"""The standard-cell library the flow targets, as one profile: where it lives in a PDK, its
corner, and the cells the flow itself places or names (the rest come from Yosys's mapping).

Every cell name of the flow comes from here, so that another library is one profile more
(its tie, inverter, buffers, clock gate, latch and flip-flop, and the gates of the state
memory's latch-array model).
"""

from dataclasses import dataclass

__all__ = ["SKY130_HD", "Library"]


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
    #: row decoder's AND, the write data's driver, and a read port's output register
    latch: str
    read_and: str
    read_or: str
    decoder: str
    driver: str
    flop: str

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
    flop="sky130_fd_sc_hd__dfxtp_1",
)
