"""The SKY130 library of ``../shared/pdk``, as the ASIC flow's tests use it."""

import pathlib

import pytest

from neurorice.asic import liberty
from neurorice.asic.library_path import locate
from neurorice.hardware.tools import CACHE

PDK_ROOT = (pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "pdk").resolve()


@pytest.fixture(scope="session")
def pdk():
    lib, models = locate(environ={"PDK_ROOT": str(PDK_ROOT)})
    return liberty.read(lib, CACHE), models


