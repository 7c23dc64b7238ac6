"""The rank order at the encoder's input, in simulation, against the golden model."""

import pytest
from amaranth.sim import Simulator

from gateware.code_order import CodeOrder
from golden import adc, order


def ranks_of(code_order):
    """The gateware's rank of every code, and that ``valid``, ``ready`` and ``last`` pass."""
    dut = CodeOrder(code_order)
    seen = []

    async def bench(ctx):
        for code in range(1 << code_order.width):
            ctx.set(dut.i.p.sample, code)
            ctx.set(dut.i.p.last, bool(code & 1))
            ctx.set(dut.i.valid, bool(code & 2))
            ctx.set(dut.o.ready, bool(code & 4))
            assert ctx.get(dut.o.p.last) == bool(code & 1)
            assert ctx.get(dut.o.valid) == bool(code & 2)
            assert ctx.get(dut.i.ready) == bool(code & 4)
            seen.append(ctx.get(dut.o.p.sample))

    sim = Simulator(dut)
    sim.add_testbench(bench)
    sim.run()
    return seen


@pytest.mark.parametrize("code_order", [
    order.for_stream("rice", 0, adc.DEFAULT, 10),                      # 511 last
    order.CodeOrder(order.missing_codes(adc.AdcTable([16, 0, 16, 16], {1: 3, 6: 0}), 4), 4),
    order.CodeOrder([0, 15], 4),
    order.identity(3),
])
def test_ranks_equal_golden(code_order):
    assert ranks_of(code_order) == list(code_order.ranks)
