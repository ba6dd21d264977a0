"""The same work on many files, spread over worker processes when that pays: the first check or
index build after a clone parses thousands of files, each on its own.

Workers are forked, so they start at once with everything this process has loaded and the work
itself (a closure, however large what it holds) is never pickled; only the items (paths) go to
them and only plain results come back. Where the platform cannot fork, or this process runs other
threads, or there is one CPU, or too few items to pay for starting workers, the work is done
here, one item after another. A worker that dies (killed for want of memory, say) costs time, not
results: what was not yet passed on is then done here.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 200  # items: fewer are done sooner here than by starting workers
CHUNKS_PER_WORKER = 8  # small enough chunks that the workers finish together, and an interrupt waits little
IN_FLIGHT_PER_WORKER = 2  # chunks sent ahead of what this process has taken: bounds the results held

# The work of the current call, set before the workers are forked: they inherit it.
_work: Callable[[Any], Any] | None = None


def in_order(work: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
    """`work(item)` for each of `items`, in their order; in worker processes when there are enough
    items and CPUs and the platform can fork. `work` returns what goes wrong as plain values:
    accord's own exceptions cannot be sent back. Not reentrant: one call at a time in a process."""
    workers = os.cpu_count() or 1
    if len(items) < PARALLEL_FROM or workers < 2 or not _can_fork():
        return map(work, items)
    return _forked(work, items, workers)


def can_fork_aside() -> bool:
    """Whether a process can be forked to work beside this one while it goes on: there is a CPU
    for each, and it can be forked safely."""
    return (os.cpu_count() or 1) >= 2 and _can_fork()


def _can_fork() -> bool:
    """Whether workers can be forked safely: the platform can, and no other thread (a terminal
    interface's, say) could be holding a lock the child would then wait on for ever."""
    import multiprocessing  # here, not at the top: most commands parse too few files to need it
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _forked(work: Callable[[T], R], items: Sequence[T], workers: int) -> Iterator[R]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _work
    size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = (list(items[start : start + size]) for start in range(0, len(items), size))
    _work = work
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupt)
    finished = False
    passed_on = 0
    try:
        pending: deque[Future[list[Any]]] = deque(
            pool.submit(_run, chunk) for chunk in islice(chunks, workers * IN_FLIGHT_PER_WORKER)
        )
        while pending:
            results = pending.popleft().result()
            pending.extend(pool.submit(_run, chunk) for chunk in islice(chunks, 1))
            passed_on += len(results)
            yield from results
        finished = True
    except BrokenProcessPool:
        pass  # a worker was killed (out of memory, say): the rest is done here, below
    finally:
        _work = None
        # Stopped early (an error, Ctrl-C): what is queued is dropped; the chunks being worked on end soon.
        pool.shutdown(wait=True, cancel_futures=not finished)
    if not finished:
        yield from map(work, items[passed_on:])


def _run(chunk: list[Any]) -> list[Any]:
    assert _work is not None  # inherited from the process that forked this one
    return [_work(item) for item in chunk]


def _ignore_interrupt() -> None:
    """Ctrl-C reaches every process of the terminal's group: this one's parent answers it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
