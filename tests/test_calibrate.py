"""neurorice calibrate: the code-density fit recovers an ADC's widths; its file and command."""

import json

import numpy as np
import pytest

from golden import adc
from neurorice import calibrate, synth, widthtable
from neurorice.cli import main as cli

from .recordings import TRAIN_ZIP, training_names


def recorded_by(table, samples=1_500_000, seed=3):
    """Codes of a slow random walk with noise, quantised by an ADC of ``table``'s widths."""
    rng = np.random.default_rng(seed)
    drift = np.cumsum(rng.normal(0, 0.05, samples))
    signal = 512 + 150 * np.sin(drift / 40) + rng.normal(0, 30, samples)
    return synth.quantise(signal, table).tolist()


def test_the_fit_recovers_known_widths():
    truth = adc.AdcTable([10, 22, 16, 16, 12, 20, 18, 14] * 4, {530: 2})
    fitted = calibrate.fit(calibrate.histogram([recorded_by(truth)], 10), 32, 1)
    assert sum(fitted.widths) == 32 << adc.FRACTION_BITS
    assert max(abs(a - b) for a, b in zip(fitted.widths, truth.widths)) <= 1
    assert list(fitted.exceptions) == [530] and abs(fitted.exceptions[530] - 2) <= 1


def test_an_ideal_adc_fits_uniform_widths_and_no_exceptions_without_evidence():
    fitted = calibrate.fit(calibrate.histogram([recorded_by(adc.UNIFORM)], 10), 32, 2)
    assert max(abs(w - 16) for w in fitted.widths) <= 1
    assert fitted.exceptions == {}


def test_the_fit_refuses_no_data():
    with pytest.raises(ValueError, match="no samples"):
        calibrate.fit([0] * 1024)


def test_json_round_trip_and_refusals(tmp_path):
    text = widthtable.to_json(adc.DEFAULT)
    assert widthtable.from_json(text) == adc.DEFAULT
    for bad in ("{", "[]", '{"fraction_bits": 5, "widths": [16], "exceptions": {}}',
                '{"fraction_bits": 4, "widths": [16, 16, 16], "exceptions": {}}'):
        with pytest.raises(ValueError):
            widthtable.from_json(bad)
    with pytest.raises(ValueError, match="cannot read"):
        widthtable.load_table(tmp_path / "absent.json")


def test_calibrate_on_recordings_writes_the_default_table(tmp_path, capsys):
    training_names()  # says clearly where the recordings were expected, if they are absent
    out = tmp_path / "table.json"
    assert cli(["calibrate", str(TRAIN_ZIP), "--files", "40", "-o", str(out)]) == 0
    table = widthtable.load_table(out)
    # 40 recordings already give the implant's table within a unit a width
    assert max(abs(a - b) for a, b in zip(table.widths, adc.DEFAULT.widths)) <= 1
    assert set(table.exceptions) == {510, 511}
    printed = capsys.readouterr().out
    assert "fitted on the other half" in printed and json.loads(out.read_text())


@pytest.mark.parametrize("args, message", [
    (["--period", "24"], "power of two"),
    (["--exceptions", "100"], "--exceptions must be"),
])
def test_calibrate_refuses_bad_options(tmp_path, args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        cli(["calibrate", "-o", str(tmp_path / "t.json"), *args])
    assert stop.value.code == 2 and message in capsys.readouterr().err


def test_calibrate_says_when_data_is_missing(tmp_path, capsys):
    assert cli(["calibrate", str(tmp_path / "absent.zip"), "-o", str(tmp_path / "t.json")]) == 1
    assert "no recordings at" in capsys.readouterr().err
