"""Run tasks in forked worker processes that may hang or crash, and go on.

A task that runs longer than its time limit is stopped inside the worker by a timer signal (the worker
lives on); a worker that dies (LibCST's native parser can take the process down) or does not answer
long after the limit is killed by the parent, its task is reported as failed and a fresh worker takes
the rest.  Tasks travel in small chunks and results stream back one by one, so the normal path costs
no extra round trip per task.  Workers never write files: killing one is always safe.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import multiprocessing
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any

OK, TIMEOUT, CRASHED, ERROR = "ok", "timeout", "crashed", "error"
#: The parent waits this much longer than the time limit before it kills a silent worker.
GRACE = 5.0
#: Chunks handed to a worker ahead of time, so that it never waits for the parent.
PREFETCH = 2


class TaskTimeout(BaseException):
    """Raised inside a task that ran out of time (a BaseException: ``except Exception`` must not eat it)."""


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise TaskTimeout in the block after ``seconds`` (main thread only; no-op otherwise)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TaskTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def describe(exc: BaseException) -> str:
    """An exception on one short line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}{'...' if len(text) > 200 else ''}" if text else type(exc).__name__


@dataclasses.dataclass
class Failed:
    """A task that produced no result: TIMEOUT, CRASHED (the worker died) or ERROR (it raised)."""

    kind: str
    detail: str = ""


def _worker_main(conn, task: Callable[[Any], Any], limit: Callable[[Any], float | None] | None,
                 initializer: Callable | None, initargs: tuple) -> None:
    # The terminal sends SIGINT to the whole process group: only the parent decides what an interrupt means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for index, item in chunk:
            seconds = limit(item) if limit else None
            try:
                with time_limit(seconds):
                    reply = (index, OK, task(item))
            except TaskTimeout:
                reply = (index, TIMEOUT, f"{seconds:.0f} s")
            except Exception as exc:  # a bug: reported for this task, the worker goes on
                reply = (index, ERROR, f"{describe(exc)}\n{traceback.format_exc()}")
            try:
                conn.send(reply)
            except (OSError, EOFError):
                return


class _Worker:
    def __init__(self, pool: WorkerPool):
        parent_conn, child_conn = pool._context.Pipe()
        self.process = pool._context.Process(
            target=_worker_main, args=(child_conn, pool._task, pool._limit, pool._initializer, pool._initargs),
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self.conn = parent_conn
        self.outstanding: collections.deque[tuple[int, Any]] = collections.deque()
        self.since = time.monotonic()

    def give(self, chunk: list[tuple[int, Any]]) -> None:
        if not self.outstanding:
            self.since = time.monotonic()
        self.outstanding.extend(chunk)
        self.conn.send(chunk)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """``imap_unordered`` over forked workers that survives hung and crashed workers.

    ``limit(item)`` is the time limit of a task in seconds (None: no limit).
    """

    def __init__(self, jobs: int, task: Callable[[Any], Any], limit: Callable[[Any], float | None] | None = None,
                 initializer: Callable | None = None, initargs: tuple = ()):
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._jobs = max(1, jobs)
        self._task = task
        self._limit = limit
        self._initializer = initializer
        self._initargs = initargs
        self._workers: list[_Worker] = []

    def imap_unordered(self, items: Iterable[Any], chunksize: int = 1) -> Iterator[tuple[Any, Any]]:
        """Yield ``(item, result)`` as tasks finish; ``result`` is a :class:`Failed` for a failed task."""
        items = list(items)
        queue = collections.deque(
            [(i, items[i]) for i in range(start, min(start + chunksize, len(items)))]
            for start in range(0, len(items), chunksize)
        )
        left = len(items)
        def deadline(worker: _Worker) -> float | None:
            """When the parent gives up on a worker that has not answered (the worker's own timer failed)."""
            seconds = self._limit(worker.outstanding[0][1]) if self._limit and worker.outstanding else None
            return None if seconds is None else worker.since + seconds + max(GRACE, seconds / 2)

        def feed(worker: _Worker) -> None:
            while queue and len(worker.outstanding) < PREFETCH * chunksize:
                worker.give(queue.popleft())

        def retire(worker: _Worker, failure: Failed) -> Iterator[tuple[Any, Any]]:
            """The worker is gone: its current task failed, the others go back to the queue."""
            worker.kill()
            self._workers.remove(worker)
            if worker.outstanding:
                _, item = worker.outstanding.popleft()
                rest = list(worker.outstanding)
                if rest:
                    queue.appendleft(rest)
                yield item, failure
            if queue:
                fresh = _Worker(self)
                self._workers.append(fresh)
                feed(fresh)

        for _ in range(min(self._jobs, len(queue))):
            worker = _Worker(self)
            self._workers.append(worker)
            feed(worker)
        while left:
            waits = [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers]
            deadlines = [d for d in map(deadline, self._workers) if d is not None]
            budget = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = set(wait(waits, budget))
            for worker in list(self._workers):
                if worker.conn in ready or worker.process.sentinel in ready:
                    dead = False
                    try:
                        while worker.conn.poll():
                            index, status, value = worker.conn.recv()
                            worker.outstanding.popleft()
                            worker.since = time.monotonic()
                            left -= 1
                            yield items[index], (value if status == OK else Failed(status, value))
                    except (EOFError, OSError):
                        dead = True
                    if dead or worker.process.sentinel in ready and not worker.process.is_alive():
                        code = worker.process.exitcode
                        worker.process.join()
                        code = worker.process.exitcode if code is None else code
                        detail = (f"killed by signal {signal.Signals(-code).name}" if code is not None and code < 0
                                  else f"exit status {code}")
                        if worker.outstanding:
                            left -= 1
                        yield from retire(worker, Failed(CRASHED, detail))
                        continue
                    feed(worker)
                elif (due := deadline(worker)) is not None and time.monotonic() >= due:
                    seconds = self._limit(worker.outstanding[0][1])
                    left -= 1
                    yield from retire(worker, Failed(TIMEOUT, f"{seconds:.0f} s (the worker did not answer)"))
            if left and not self._workers:
                raise RuntimeError("no worker left")  # pragma: no cover - retire() always replaces one

    def close(self) -> None:
        """Let idle workers exit and wait for them."""
        for worker in self._workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self._workers:
            worker.process.join(timeout=5)
            worker.kill()
        self._workers = []

    def terminate(self) -> None:
        """Kill every worker now (they never write, so nothing is left half done)."""
        for worker in self._workers:
            worker.kill()
        self._workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.terminate() if exc[0] is not None else self.close()
