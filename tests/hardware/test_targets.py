"""The targets (neurorice/hardware/targets.py): each the one the flows use, named once."""

from neurorice.asic import clockgating, clocktree, library_path, memory
from neurorice.hardware import targets
from neurorice.report import ecp5, ice40


def test_the_flows_take_their_parts_from_the_registry():
    assert ice40.PART is targets.UP5K and targets.FPGAS["ice40"] == (targets.UP5K,)
    assert ecp5.PARTS is targets.ECP5_PARTS is targets.FPGAS["ecp5"]


def test_ecp5_parts_grow():
    sizes = [(p["luts"], p["bram"], p["dsp"]) for p in targets.ECP5_PARTS]
    assert all(a <= b for small, large in zip(sizes, sizes[1:]) for a, b in zip(small, large))


def test_the_asic_flow_names_its_cells_from_the_library_profile(pdk):
    library, _ = pdk
    profile = targets.LIBRARIES[library_path.LIBRARY]
    assert profile is targets.SKY130_HD
    # every cell the profile names is a cell of the installed library
    roles = [v for k, v in vars(profile).items() if k not in ("pdk", "name", "corner")]
    assert all(name in library.cells for name in roles), \
        [name for name in roles if name not in library.cells]
    assert clockgating.GATE == profile.clock_gate and clocktree.CLOCK_BUFFER == profile.clock_buffer
    assert memory.LATCH == profile.latch
