"""A lower supply, as a labelled estimate: the library here is characterised at 1.8 V only.

The flow prices every term from the library's tables, which hold at the library's one
supply (``tt_025C_1v80``). At a lower supply ``V`` a toggle's energy, the charge of a
capacitance and the cells' internal (short-circuit and internal-node) energy, scales about
as ``V**2``; the glitches scale with it while the delays stretch together. So the estimate
is every dynamic term times ``(V / V_library)**2``, with the leakage kept as it is at the
library's supply (it falls at a lower one, so this errs high). What it cannot say is
whether the design still meets timing: that needs the library characterised there. It
states the margin instead, the period of the clock the configuration runs at over its
critical path at the library's supply, i.e. how many times slower the cells may get.

:data:`ESTIMATE_V` is the lowest supply the PDK characterises ``sky130_fd_sc_hd`` at (its
``ss_n40C_1v28`` corner, slow transistors at -40 °C); a user with that corner's Liberty
can run the flow there instead of trusting this estimate.
"""

__all__ = ["ESTIMATE_V", "estimate"]

ESTIMATE_V = 1.28


def estimate(configuration, library_volts, volts=ESTIMATE_V):
    """The configuration's power at ``volts``, estimated from its figures at the library's
    supply: ``{"volts", "scale", "total_w", "per_channel_w", "leakage_w",
    "timing_margin"}``."""
    power = configuration["power"]
    leakage = power["terms_w"].get("leakage", 0.0) \
        + sum(m["leakage_w"] for m in configuration["memories"])
    scale = (volts / library_volts) ** 2
    total = (power["total_w"] - leakage) * scale + leakage
    # the margin at the clock this configuration runs at (a sample a clock: 20 kHz for
    # one channel), not the 20.48 MHz every configuration's timing is checked at
    arrival = configuration["timing"]["critical_path"]["arrival_ns"]
    period_ns = 1e9 / power["clock_hz"]
    return {"volts": volts, "library_volts": library_volts, "scale": scale,
            "total_w": total, "per_channel_w": total / configuration["channels"],
            "leakage_w": leakage, "period_ns": period_ns,
            "timing_margin": period_ns / arrival if arrival else None}
