"""Single-port RAM with the behaviour of the iCE40 UltraPlus SPRAM (``SB_SPRAM256KA``).

Yosys infers EBR from a memory with a read and a write port, but never SPRAM, which has one
port: it must be instantiated. :class:`SinglePortRam` is that instance for iCE40 builds and
a behavioural model of it otherwise, so the logic around it is simulated as it is built.
"""

from amaranth.hdl import ClockSignal, Const, Instance, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

__all__ = ["DEPTH", "WIDTH", "SinglePortRam"]

#: Words and bits a word of one ``SB_SPRAM256KA``.
DEPTH, WIDTH = 16384, 16


class SinglePortRam(wiring.Component):
    """One ``SB_SPRAM256KA``: a read or a write a clock.

    A read (``enable`` without ``write``) puts the word on ``data_out`` after the clock
    edge, where it stays until the next access; a write leaves ``data_out`` undefined.

    Parameters
    ----------
    depth : int
        Words used, at most :data:`DEPTH`.
    instance : bool
        Instantiate the iCE40 primitive; otherwise a behavioural model (for simulation and
        other targets).

    Members
    -------
    address : In(range(depth))
    data_in : In(WIDTH)
    write : In(1)
    enable : In(1)
        An access this cycle: a write if ``write``, else a read.
    data_out : Out(WIDTH)
    """

    def __init__(self, depth, *, instance=False):
        if not isinstance(depth, int) or not 1 <= depth <= DEPTH:
            raise ValueError(f"SPRAM depth must be 1..{DEPTH} words, not {depth!r}")
        self._depth = depth
        self._instance = instance
        super().__init__({
            "address": In(range(depth)),
            "data_in": In(WIDTH),
            "write": In(1),
            "enable": In(1),
            "data_out": Out(WIDTH),
        })

    def elaborate(self, platform):
        m = Module()
        if self._instance:
            address = Signal(range(DEPTH))
            m.d.comb += address.eq(self.address)
            m.submodules.spram = Instance(
                "SB_SPRAM256KA",
                i_ADDRESS=address,
                i_DATAIN=self.data_in,
                i_MASKWREN=Const(0b1111, 4),
                i_WREN=self.write,
                i_CHIPSELECT=self.enable,
                i_CLOCK=ClockSignal(),
                i_STANDBY=Const(0),
                i_SLEEP=Const(0),
                i_POWEROFF=Const(1),
                o_DATAOUT=self.data_out,
            )
            return m
        m.submodules.memory = memory = Memory(shape=WIDTH, depth=self._depth, init=[])
        write = memory.write_port()
        read = memory.read_port()
        m.d.comb += [
            write.addr.eq(self.address),
            write.data.eq(self.data_in),
            write.en.eq(self.enable & self.write),
            read.addr.eq(self.address),
            read.en.eq(self.enable & ~self.write),
            self.data_out.eq(read.data),
        ]
        return m
