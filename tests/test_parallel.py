"""map_processes (neurorice/parallel.py): results in order, from other processes, with the
bar moved on after each."""

import os

from neurorice.parallel import map_processes


def _square_and_pid(x):
    return x * x, os.getpid()


class _Bar:
    def __init__(self):
        self.updates = []

    def update(self, done):
        self.updates.append(done)


def test_results_come_in_order_from_other_processes():
    bar = _Bar()
    seen = []
    for value, pid in map_processes(_square_and_pid, range(20), 2, bar, chunksize=3):
        seen.append(value)
        assert pid != os.getpid()
        # the bar moves on only after the caller has had the result
        assert len(bar.updates) == len(seen) - 1
    assert seen == [x * x for x in range(20)]
    assert bar.updates == list(range(1, 21))


def test_more_jobs_than_items_and_no_bar():
    assert [v for v, _ in map_processes(_square_and_pid, [3], 8)] == [9]
