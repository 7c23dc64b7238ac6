"""neurorice.asic.radio: the encoder and the radio together, priced by hand."""

import pytest

from golden import core
from neurorice.asic import radio


def test_total_is_encoder_plus_energy_times_bits():
    # 1024 channels at 20 kHz, 4.5 bits a sample, 100 pJ a bit: 9.216 mW of radio
    assert radio.total_w(3e-3, 4.5, 1024, 20_000, 100e-12) == pytest.approx(3e-3 + 9.216e-3)


def test_break_even_is_where_the_saved_bits_pay_for_the_logic():
    small = {"encoder_w": 1e-6, "bit_rate": 90_000.0}
    big = {"encoder_w": 3e-6, "bit_rate": 80_000.0}
    energy = radio.break_even(big, small)
    assert energy == pytest.approx(2e-6 / 10_000, rel=1e-9, abs=0)  # 200 pJ a bit
    below, above = energy * 0.99, energy * 1.01
    def total(c, e):
        return c["encoder_w"] + e * c["bit_rate"]

    assert total(big, below) > total(small, below)
    assert total(big, above) < total(small, above)
    # cheaper and fewer bits: better at any energy; more bits: never a break-even
    assert radio.break_even({"encoder_w": 0.5e-6, "bit_rate": 80_000.0}, small) == 0.0
    assert radio.break_even(small, big) is None


def test_bits_per_sample_is_the_coded_streams():
    streams = [[500 + (i * 7) % 13 for i in range(3000)], [512] * 1000]
    for coder in core.CODERS:
        expected = 8 * sum(len(core.encode(s, 10, coder=coder)) for s in streams) / 4000
        assert radio.bits_per_sample(streams, coder) == pytest.approx(expected)


def test_summary_adds_the_uncoded_reference_and_every_pair():
    configurations = [
        {"name": "C=1 compact", "channels": 1, "coder": "rice", "power": {"total_w": 1.5e-6},
         "radio": {"bits_per_sample": 4.7}},
        {"name": "C=1 compact adc", "channels": 1, "coder": "adc",
         "power": {"total_w": 2.5e-6}, "radio": {"bits_per_sample": 4.5}},
    ]
    summary = radio.summary(configurations, 20_000)
    names = [r["name"] for r in summary["rows"]]
    assert names == ["C=1 compact", "C=1 compact adc", "C=1 uncoded (no encoder)"]
    pairs = {(p["fewer_bits"], p["than"]): p["break_even_j_per_bit"]
             for p in summary["break_even"]}
    # 1 µW more for 0.2 bits a sample at 20 kHz (4 kb/s): 250 pJ a bit
    assert pairs[("C=1 compact adc", "C=1 compact")] == pytest.approx(250e-12, rel=1e-9, abs=0)
    # 1.5 µW for 5.3 bits a sample fewer than uncoded: 1.5e-6 / 106e3
    assert pairs[("C=1 compact", "C=1 uncoded (no encoder)")] == pytest.approx(
        1.5e-6 / 106e3, rel=1e-9, abs=0)
    assert len(summary["sweep_j"]) == 10
    assert summary["sweep_j"][0] == pytest.approx(1e-11, rel=1e-9, abs=0)
    assert summary["sweep_j"][-1] == pytest.approx(1e-8, rel=1e-9, abs=0)


@pytest.mark.parametrize("joules, text", [(1e-11, "10 pJ"), (5.8e-12, "5.8 pJ"),
                                          (1.3125e-10, "131 pJ"), (2e-9, "2 nJ")])
def test_energy_labels(joules, text):
    assert radio.energy_label(joules) == text
