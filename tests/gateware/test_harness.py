"""The simulation harness's idle and backpressure patterns."""

from .harness import PATTERNS, sometimes


def test_patterns_do_not_depend_on_what_ran_before():
    for idle, backpressure in PATTERNS.values():
        first = [(idle(c), backpressure(c)) for c in range(500)]
        [idle(c) for c in range(1000, 1200)]  # another test's run, on the same patterns
        assert [(idle(c), backpressure(c)) for c in range(500)] == first


def test_sometimes_is_true_on_about_its_share_of_cycles():
    pattern = sometimes(0.3, 9)
    share = sum(pattern(c) for c in range(20_000)) / 20_000
    assert 0.28 < share < 0.32
    assert [sometimes(0.5, 1)(c) for c in range(64)] != [sometimes(0.5, 2)(c) for c in range(64)]
