"""The SKY130 library the ASIC flow's tests read, for the targets' tests too."""

from tests.asic.conftest import pdk  # noqa: F401  (a fixture)
