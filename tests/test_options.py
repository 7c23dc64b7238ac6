"""The options several commands share (neurorice/options.py), read the same in each."""

import argparse

import pytest

from neurorice import cli, options

#: the commands that read recordings with ``--files``
WITH_FILES = ("bench", "verify-fast", "near-check", "lossy-study", "calibrate", "report",
              "verify", "asic")


def test_positive_takes_whole_numbers_from_one():
    assert options.positive("1") == 1
    assert options.positive("493") == 493
    for text, why in (("0", "at least 1"), ("-3", "at least 1"), ("x", "not a whole number"),
                      ("1.5", "not a whole number")):
        with pytest.raises(argparse.ArgumentTypeError, match=why):
            options.positive(text)


def test_data_is_positional_or_an_option():
    parser = argparse.ArgumentParser()
    options.add_data(parser)
    assert parser.parse_args(["d.zip"]).data == "d.zip"
    assert parser.parse_args([]).data == str(options.DEFAULT_DATA)
    parser = argparse.ArgumentParser()
    options.add_data(parser, option=True)
    assert parser.parse_args(["--data", "d.zip"]).data == "d.zip"


@pytest.mark.parametrize("command", WITH_FILES)
@pytest.mark.parametrize("files", ["0", "-1", "two"])
def test_every_command_refuses_a_bad_count_before_any_work(command, files, capsys):
    argv = [command, "--files", files]
    if command == "calibrate":
        argv += ["-o", "unused.json"]
    with pytest.raises(SystemExit) as exit:
        cli.main(argv)
    assert exit.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"neurorice {command}: error: argument --files:"), error
