"""The latch array's floorplan against a placed array of the same cells."""

from neurorice.asic import latcharray, memory
from neurorice.asic.library_path import locate_lef


def test_array_netlist_has_the_models_cells():
    module, lines, paths = latcharray.bank_array(width=4, rows=8, banks=2)
    kinds = {}
    for cell in module["cells"].values():
        kinds[cell["type"].split("__")[1]] = kinds.get(cell["type"].split("__")[1], 0) + 1
    assert kinds["dlxtp_1"] == kinds["and2_1"] - 2 == 4 * 16  # and a bank select each
    assert kinds["dlclkp_1"] == 16 + 2 and kinds["and4_1"] == 2 * 16
    assert kinds["and2_4"] == 4 * 2
    # or4 trees: 8 rows in two levels (3 gates) a column a bank, then one across the banks
    assert kinds["or4_1"] == 4 * (2 * 3 + 1)
    assert len(paths) == 4 * 16 and all(len(p) == 4 for p in paths)
    assert len(lines["row clock"]) == 16 and len(lines["bank bus"]) == 8


def test_floorplan_prices_an_access_as_the_placed_array(pdk, tmp_path):
    """Per access (a read, a write and a clock), the floorplan's lines give the placed
    array's energy to 20 %: GrayWolf places the cells freely, not bit-sliced, so lines
    differ one by one (longer rows and bank buses, shorter write lines), not in all."""
    library, _ = pdk
    checked = latcharray.check(library, locate_lef(library.path), width=8, rows=16, banks=2,
                               cache=tmp_path)

    def access(m):
        return m["read_energy_j"] + m["write_energy_j"] + m["clock_energy_per_cycle_j"]

    ratio = access(checked["floorplan"]) / access(checked["placed"])
    assert 0.8 < ratio < 1.2, ratio
    assert abs(checked["placement"]["utilisation"] - memory.ROW_UTILISATION) < 0.05
