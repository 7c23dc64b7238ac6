"""The lower-supply estimate (neurorice/asic/supply.py): dynamic terms by V², leakage kept."""

import pytest

from neurorice.asic import supply


def test_dynamic_terms_scale_with_the_square_of_the_supply_and_leakage_stays():
    configuration = {
        "channels": 4,
        "power": {"total_w": 10e-6, "terms_w": {"glitches": 6e-6, "leakage": 1e-6},
                  "clock_hz": 80e3},
        "memories": [{"leakage_w": 0.5e-6}],
        "timing": {"critical_path": {"arrival_ns": 25.0}},
    }
    e = supply.estimate(configuration, 1.8, 0.9)
    assert e["scale"] == pytest.approx(0.25)
    assert e["leakage_w"] == pytest.approx(1.5e-6)
    assert e["total_w"] == pytest.approx(8.5e-6 * 0.25 + 1.5e-6)
    assert e["per_channel_w"] == pytest.approx(e["total_w"] / 4)
    # the margin at the configuration's own clock: 12.5 µs over 25 ns
    assert e["timing_margin"] == pytest.approx(500.0)


def test_the_estimate_is_at_the_lowest_characterised_supply_by_default():
    configuration = {"channels": 1, "power": {"total_w": 1.0, "terms_w": {}, "clock_hz": 1.0},
                     "memories": [], "timing": {"critical_path": {"arrival_ns": None}}}
    e = supply.estimate(configuration, 1.8)
    assert e["volts"] == supply.ESTIMATE_V == 1.28
    assert e["total_w"] == pytest.approx((1.28 / 1.8) ** 2)
    assert e["timing_margin"] is None
