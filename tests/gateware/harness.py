"""Simulation harness: drive a stream component's ``i``, collect its ``o``, cycle by cycle.

One testbench plays both the source (with idle cycles) and the sink (with backpressure), so a
run is a single pass over the clock; :func:`run` returns what came out and when.
"""

from dataclasses import dataclass, field

from amaranth.sim import Simulator


def never(cycle):
    return False


def _unit(seed, cycle):
    """A number in [0, 1) that depends only on ``seed`` and ``cycle`` (SplitMix64's mix)."""
    z = (seed * 0x9E3779B97F4A7C15 + cycle + 1) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return ((z ^ (z >> 31)) >> 11) / (1 << 53)


def sometimes(probability, seed=0):
    """A pattern true on a random ``probability`` of the cycles, reproducibly: a function
    of the cycle alone, so a run sees the same pattern whichever tests ran before it."""
    return lambda cycle: _unit(seed, cycle) < probability


def bursts(on, off):
    """A pattern true for ``on`` cycles after each ``off`` cycles of false."""
    return lambda cycle: cycle % (on + off) >= off


#: Input idle and output backpressure patterns that every stream test crosses.
PATTERNS = {
    "steady": (never, never),
    "idle": (sometimes(0.3, 1), never),
    "backpressure": (never, sometimes(0.4, 2)),
    "both": (sometimes(0.25, 3), sometimes(0.5, 4)),
    "bursty": (bursts(3, 2), bursts(5, 4)),
}


@dataclass
class Run:
    """What came out of a run: payloads (dicts of fields) and the cycles of the transfers."""

    outputs: list = field(default_factory=list)
    output_cycles: list = field(default_factory=list)
    input_cycles: list = field(default_factory=list)
    stalls: int = 0  # cycles an offered input was refused while the output was not blocked
    trace: list = field(default_factory=list)  # the values of `watch` each cycle


def _fields(view, names):
    return {name: getattr(view, name) for name in names}


def run(dut, inputs, *, idle=never, backpressure=never, watch=(), tail=8, limit=None):
    """Send ``inputs`` (dicts of payload fields) into ``dut.i``; collect ``dut.o``.

    The run ends ``tail`` cycles after the output transfer that carries the ``last`` of the
    final input (there must be one), and fails if anything comes out in that tail.
    """
    result = Run()
    out_names = list(dut.o.p.shape().members)
    in_names = list(dut.i.p.shape().members)
    assert inputs and inputs[-1]["last"], "the final input must end its stream"
    streams = sum(1 for item in inputs if item["last"])
    limit = limit or 20 * len(inputs) + 100

    async def testbench(ctx):
        sent = ended = 0
        offering = False
        cycle = 0
        done_at = None
        while done_at is None or cycle < done_at + tail:
            if not offering and sent < len(inputs) and not idle(cycle):
                offering = True
                for name in in_names:
                    ctx.set(getattr(dut.i.p, name), inputs[sent][name])
            ctx.set(dut.i.valid, offering)
            blocked = backpressure(cycle)
            ctx.set(dut.o.ready, not blocked)
            if watch:
                result.trace.append(tuple(ctx.get(signal) for signal in watch))
            if offering and ctx.get(dut.i.ready):
                result.input_cycles.append(cycle)
                sent += 1
                offering = False
            elif offering and not blocked:
                result.stalls += 1
            if not blocked and ctx.get(dut.o.valid):
                item = _fields(ctx.get(dut.o.p), out_names)
                assert done_at is None, f"output after the end of the run: {item}"
                result.outputs.append(item)
                result.output_cycles.append(cycle)
                if item.get("last"):
                    ended += 1
                    if ended == streams:
                        done_at = cycle
            await ctx.tick()
            cycle += 1
            assert cycle < limit, f"no end of stream after {cycle} cycles"

    sim = Simulator(dut)
    sim.add_clock(1e-6)
    sim.add_testbench(testbench)
    sim.run()
    return result
