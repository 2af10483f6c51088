"""Running a function over items in worker processes, or in this one when a single worker is asked for."""

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(
    function: Callable[[T], R], items: Sequence[T], workers: int, chunksize: int = 1
) -> Iterator[R]:
    """`function` of each item, in the items' order."""
    if workers <= 1:
        yield from (function(item) for item in items)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(function, items, chunksize=chunksize)
