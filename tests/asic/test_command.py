"""``neurorice asic``'s refusals: one line, exit 2, before any work."""

import pytest

from neurorice.asic import command


@pytest.mark.parametrize("argv", [["--compact", "--coder", "arith"], ["--compact", "--near", "2"]])
def test_compact_is_lossless_rice(argv, capsys, tmp_path):
    assert command.main([*argv, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--compact is lossless and Rice" in err
    assert not (tmp_path / "out").exists()
