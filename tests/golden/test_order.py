"""golden.order: the rank order of an ADC's codes, missing codes last."""

import random

import pytest

from golden import adc, core, order


def test_the_implant_tables_order_puts_511_last():
    ranked = order.for_stream("rice", 0, adc.DEFAULT, 10)
    assert ranked.missing == (511,)
    assert [ranked.ranks[c] for c in (0, 510, 511, 512, 1023)] == [0, 510, 1023, 511, 1022]
    assert sorted(ranked.ranks) == list(range(1024))
    assert all(ranked.codes[ranked.ranks[c]] == c for c in range(1024))


@pytest.mark.parametrize("coder, near, table", [
    ("adc", 0, adc.DEFAULT),      # the adc back end models the widths itself
    ("rice", 1, adc.DEFAULT),     # near-lossless keeps its bound in codes
    ("arith", 0, adc.UNIFORM),    # an ideal ADC misses no code
    ("rice", 0, None),            # 16-bit samples: an ideal ADC's table by default
])
def test_natural_order(coder, near, table):
    width = 16 if table is None else 10
    assert order.for_stream(coder, near, table, width).identity


def test_missing_codes_of_a_period_and_exceptions():
    table = adc.AdcTable([16, 0, 16, 16], {1: 3, 6: 0})
    assert order.missing_codes(table, 4) == (5, 6, 9, 13)
    ranked = order.CodeOrder(order.missing_codes(table, 4), 4)
    assert ranked.codes == (0, 1, 2, 3, 4, 7, 8, 10, 11, 12, 14, 15, 5, 6, 9, 13)


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_every_code_round_trips_in_the_rank_order(coder):
    rng = random.Random(5)
    samples = [rng.choice((511, 510, 512, rng.randrange(1024))) for _ in range(3000)]
    data = core.encode(samples, 10, 3, coder=coder)
    assert core.decode(data, len(samples), 10, 3, coder=coder) == samples
    # the same stream in the natural order is another one: the order is in the format
    assert core.encode(samples, 10, 3, coder=coder, table=adc.UNIFORM) != data


@pytest.mark.parametrize("coder", ["rice", "arith"])
def test_the_rank_order_is_the_natural_order_of_the_ranks(coder):
    # what the hardware does: rank at the input, the core unchanged
    rng = random.Random(6)
    samples = [min(1023, max(0, int(rng.gauss(512, 20)))) for _ in range(4000)]
    ranks = [order.for_stream(coder, 0, adc.DEFAULT, 10).ranks[c] for c in samples]
    assert core.encode(samples, 10, 2, coder=coder) == core.encode(
        ranks, 10, 2, coder=coder, table=adc.UNIFORM)


def test_bad_missing_code():
    with pytest.raises(ValueError, match="10-bit"):
        order.CodeOrder([1024], 10)
