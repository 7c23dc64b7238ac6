"""What a designer decides on: the encoder's power and the radio's, for every bit it sends.

An implant's radio spends an energy a bit sent, so a back end that codes fewer bits saves
radio power, and a back end of more logic costs encoder power. For each configuration of a
``neurorice asic`` run this gives the output bit rate, measured by coding the run's real
recordings with the same back end (the fast path, bit-identical to the golden model and so
to the gateware), and the total power with a radio of energy ``E`` a bit::

    total(E) = encoder power + E * channels * rate * bits a sample

swept over :data:`SWEEP_J` (10 pJ to 10 nJ a bit), with published implant transmitters
marked (:data:`TRANSMITTERS`); and, for two configurations of one channel count, the energy
a bit above which the one that sends fewer bits pays for its logic::

    E* = (encoder power of a - encoder power of b) / (bit rate of b - bit rate of a)

Sending the 10-bit codes uncoded, with no encoder, is the reference row.
"""

import math

__all__ = ["SWEEP_J", "TRANSMITTERS", "bits_per_sample", "break_even", "summary", "total_w"]

#: Energies a bit of the sweep: 10 pJ to 10 nJ, three points a decade.
SWEEP_J = tuple(10 ** (e / 3) * 1e-11 for e in range(10))

#: Published implant transmitters: (name, energy a bit in J, source).
TRANSMITTERS = (
    ("IR-UWB, 1.66 Gb/s, 28 nm", 5.8e-12,
     "an implantable IR-UWB telemetry system for intracortical neural sensing (hybrid "
     "PSK/PPM/PAM modulation; 9.7 mW at 1.66 Gb/s), PMC7614137"),
    ("FSK/OOK implant, 8 Mb/s", 1.05e-3 / 8e6,
     "a fully implanted FSK/OOK transmitter of about 1.05 mW at up to 8 Mb/s, International "
     "Journal of Telemedicine and Applications 2010, 563903"),
    ("ultrasonic backscatter mote", 37.7e-6 / 35e3,
     "a 0.8 mm³ ultrasonic free-floating neural recording implant, 37.7 µW for the whole "
     "IC at > 35 kb/s (arXiv:1905.09386): an upper bound of its energy a bit"),
)

#: Bits a sample sent uncoded: the ADC's code.
RAW_BITS = 10


def bits_per_sample(streams, coder, near=0):
    """The coded payload's bits a sample over ``streams`` (lists of 10-bit codes), with
    ``coder`` and error bound ``near``: what the encoder sends, the stream's flush included."""
    from neurorice.fast import core

    samples = sum(len(s) for s in streams)
    if samples == 0:
        raise ValueError("no samples to measure the bit rate on")
    bits = sum(8 * len(core.encode(s, RAW_BITS, coder=coder, near=near)) for s in streams)
    return bits / samples


def total_w(encoder_w, bits, channels, rate_hz, energy_j):
    """The encoder's and the radio's power together."""
    return encoder_w + energy_j * channels * rate_hz * bits


def break_even(a, b):
    """The energy a bit above which ``a`` draws less than ``b`` in all (each a dict of
    ``encoder_w`` and ``bit_rate``): ``None`` if one is never better, 0 if ``a`` always is."""
    saved_bits = b["bit_rate"] - a["bit_rate"]
    extra_w = a["encoder_w"] - b["encoder_w"]
    if saved_bits <= 0:
        return 0.0 if extra_w < 0 and saved_bits == 0 else None
    return max(extra_w / saved_bits, 0.0)


def summary(configurations, rate_hz):
    """The radio section of a report: each configuration's bit rate and totals over the
    sweep and at the marked transmitters, and the break-even energies."""
    rows = []
    for c in configurations:
        bits = c["radio"]["bits_per_sample"]
        rows.append({"name": c["name"], "channels": c["channels"], "coder": c["coder"],
                     "encoder_w": c["power"]["total_w"], "bits_per_sample": bits,
                     "bit_rate": c["channels"] * rate_hz * bits})
    for channels in sorted({r["channels"] for r in rows}):
        rows.append({"name": f"C={channels} uncoded (no encoder)", "channels": channels,
                     "coder": "none", "encoder_w": 0.0, "bits_per_sample": RAW_BITS,
                     "bit_rate": channels * rate_hz * RAW_BITS})
    energies = list(SWEEP_J) + [e for _, e, _ in TRANSMITTERS]
    for r in rows:
        r["total_w"] = {f"{e:.3g}": total_w(r["encoder_w"], r["bits_per_sample"],
                                             r["channels"], rate_hz, e) for e in energies}
    pairs = []
    for a in rows:
        for b in rows:
            if a is not b and a["channels"] == b["channels"] and a["bit_rate"] < b["bit_rate"]:
                energy = break_even(a, b)
                pairs.append({"fewer_bits": a["name"], "than": b["name"],
                              "break_even_j_per_bit": energy})
    return {"rate_hz": rate_hz, "sweep_j": list(SWEEP_J),
            "transmitters": [{"name": n, "j_per_bit": e, "source": s}
                             for n, e, s in TRANSMITTERS],
            "rows": rows, "break_even": pairs}


def energy_label(joules):
    """``10 pJ``, ``1.2 nJ``: an energy a bit for tables."""
    for unit, scale in (("nJ", 1e-9), ("pJ", 1e-12), ("fJ", 1e-15)):
        if joules >= scale or unit == "fJ":
            value = joules / scale
            return f"{value:.3g} {unit}" if not math.isclose(value, round(value)) else \
                f"{round(value)} {unit}"
    raise AssertionError
