"""golden.adc: code widths, edges, the container's form of a table."""

import pytest

from golden import adc
from golden.adc import AdcTable


def edges_by_summing(table, width):
    out = [0]
    for x in range(1 << width):
        out.append(out[-1] + table.width(x))
    return out


@pytest.mark.parametrize("table, width", [
    (adc.UNIFORM, 10),
    (adc.DEFAULT, 10),
    (AdcTable([3, 0, 20, 9], {5: 0, 6: 255}), 4),
    (AdcTable([7]), 1),
    (AdcTable(list(range(16)), {0: 1, 15: 2}), 4),
])
def test_edge_is_the_sum_of_the_widths_below(table, width):
    table.check(width)
    expected = edges_by_summing(table, width)
    assert [table.edge(x) for x in range((1 << width) + 1)] == expected
    assert [table.centre(x) for x in range(1 << width)] == [
        expected[x] + (table.width(x) >> 1) for x in range(1 << width)]


def test_the_default_is_a_calibration_of_the_implants_adc():
    # the period sums to period << FRACTION_BITS, so hardware's block offset is a shift
    assert sum(adc.DEFAULT.widths) == adc.DEFAULT.period << adc.FRACTION_BITS
    assert adc.DEFAULT.width(511) == 0 and adc.DEFAULT.width(510) < adc.DEFAULT.width(509)
    assert adc.default(10) is adc.DEFAULT and adc.default(16) is adc.UNIFORM
    assert adc.BUILT_IN[0] == adc.UNIFORM and adc.BUILT_IN[1] == adc.DEFAULT


@pytest.mark.parametrize("table", [adc.UNIFORM, adc.DEFAULT, AdcTable([1, 2], {3: 4, 1000: 0})])
def test_bytes_round_trip(table):
    data = b"xx" + table.to_bytes() + b"yy"
    parsed, end = AdcTable.from_bytes(data, 2)
    assert parsed == table and data[end:] == b"yy"


@pytest.mark.parametrize("data, message", [
    (b"", "truncated"),
    (b"\x11", "too long"),
    (b"\x01\x05", "truncated"),
    (b"\x00\x05\x02\x01\x00\x03\x01\x00\x04", "twice"),
    (b"\x00\x00\x00", "non-zero width"),
    (b"\x00\x05\x01\x01", "truncated"),
])
def test_bad_bytes_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        AdcTable.from_bytes(data)


@pytest.mark.parametrize("widths, exceptions, message", [
    ([], {}, "power of two"),
    ([1, 2, 3], {}, "power of two"),
    ([256], {}, "0..255"),
    ([-1], {}, "0..255"),
    ([1], {-3: 1}, "exceptions"),
    ([1], {3: 300}, "exceptions"),
    ([0, 0], {}, "non-zero"),
])
def test_bad_tables_are_refused(widths, exceptions, message):
    with pytest.raises(ValueError, match=message):
        AdcTable(widths, exceptions)


def test_a_table_must_fit_the_sample_width():
    with pytest.raises(ValueError, match="period"):
        adc.DEFAULT.check(4)
    with pytest.raises(ValueError, match="beyond"):
        AdcTable([16], {16: 1}).check(4)
    with pytest.raises(ValueError, match="zero width"):
        AdcTable([16], {0: 0, 1: 0}).check(1)
