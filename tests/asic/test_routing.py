"""qrouter on a placed netlist: the routed DEF's lengths, and a small design routed."""

import shutil

import pytest

from neurorice.asic.library_path import locate_lef
from neurorice.asic.placement import place
from neurorice.asic.routing import route, routed_lengths
from neurorice.asic.synthesis import synthesise

from .test_placement import ACCUMULATOR

ROUTED = """NETS 2 ;
- a
  ( u0 A ) ( u1 Y )
+ ROUTED li1 ( 5290 20570 ) L1M1_PR_R_0
  NEW met1 ( 5290 20570 ) ( 6670 * ) ( * 20230 ) ( 7590 * ) L1M1_PR_R_0 ;
- b
  ( u0 B ) ( u2 Y )
+ ROUTED met2 ( 1000 1000 ) ( * 3000 ) M1M2_PR_0
  NEW met1 ( 1000 3000 ) ( 500 * ) ;
END NETS
"""


def test_routed_lengths_follow_the_paths():
    lengths = routed_lengths(ROUTED)
    # a: 1380 + 340 + 920 nm of met1 (the li1 stub is a point); b: 2000 + 500 nm
    assert lengths == {"a": pytest.approx(2.64), "b": pytest.approx(2.5)}


@pytest.mark.skipif(shutil.which("qrouter") is None, reason="qrouter is not installed")
def test_a_small_placement_routes_near_its_spanning_trees(pdk, tmp_path):
    library, _ = pdk
    synthesis = synthesise(ACCUMULATOR, "acc", library, 20.48)
    lef = locate_lef(library.path)
    placement = place(synthesis.module, lef, utilisation=0.6, cache=tmp_path)
    clock = set(synthesis.module["netnames"]["clk"]["bits"])
    routed = route(synthesis.module, placement, lef.parent.parent / "techlef" /
                   "sky130_fd_sc_hd.tlef", lef, skip=clock, timeout=300)
    assert routed["nets"] > 30 and routed["routed"] >= routed["nets"] // 2
    assert routed["routed"] + routed["failed"] <= routed["nets"]
    assert 0.5 < routed["factor"] < 1.5
