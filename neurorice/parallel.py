"""A function over recordings on several processes, its progress shown as results arrive.

The checking commands (``verify``, ``verify-fast``, ``near-check``, ``lossy-study``) each run
one function a recording on ``--jobs`` processes and report in the recordings' order; this
is that loop, once.
"""

import concurrent.futures

__all__ = ["map_processes"]


def map_processes(function, items, jobs, bar=None, chunksize=1, initializer=None):
    """Yield ``function(item)`` for each of ``items``, in order, computed on at most ``jobs``
    processes; ``bar`` (a :class:`neurorice.progress.Bar`) is moved on after each result
    has been handled by the caller."""
    items = list(items)
    workers = max(1, min(jobs, len(items)))
    with concurrent.futures.ProcessPoolExecutor(workers, initializer=initializer) as pool:
        for done, result in enumerate(pool.map(function, items, chunksize=chunksize), 1):
            yield result
            if bar is not None:
                bar.update(done)
