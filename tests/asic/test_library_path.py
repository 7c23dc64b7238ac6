"""Where the flow finds its library, and its one-line error without one."""

import pytest

from neurorice.asic import command
from neurorice.asic.library_path import LibraryNotFound, locate

from .conftest import PDK_ROOT


def test_library_found_under_pdk_root_relative_or_not(monkeypatch):
    monkeypatch.chdir(PDK_ROOT.parent)
    lib, models = locate(environ={"PDK_ROOT": "pdk"})
    assert lib.is_absolute() and lib.is_file() and lib.name.endswith("tt_025C_1v80.lib")
    assert [m.name for m in models] == ["primitives.v", "sky130_fd_sc_hd.v"]
    assert all(m.is_absolute() for m in models)


def test_no_library_is_one_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PDK_ROOT", raising=False)
    assert command.main(["--channels", "1", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PDK_ROOT is not set" in err and "ciel" in err
    monkeypatch.setenv("PDK_ROOT", str(tmp_path))
    assert command.main(["--channels", "1", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "ciel" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(LibraryNotFound):
        locate(liberty=tmp_path / "none.lib", cell_models=[], environ={})
