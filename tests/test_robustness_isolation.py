"""Analysis in workers with a time limit: a file that hangs or crashes its worker becomes KM001, the
run goes on, and the common path gets no extra round trip per file."""

from __future__ import annotations

import faulthandler
import os
import signal
import time

import pytest
import robustness_cli

from kmigrate.engine import isolate, runner
from kmigrate.engine.discover import Candidate

# --- the pool itself -------------------------------------------------------------------------------------


def _square_or_die(n: int) -> int:
    if n == 3:
        faulthandler.disable()  # pytest's crash dump would only add noise
        os.kill(os.getpid(), signal.SIGSEGV)  # what a native parser crash looks like from outside
    if n == 5:
        while True:  # a task that never ends: the worker's timer must stop it
            pass
    if n == 7:
        raise ValueError("a bug")
    return n * n


def _limit(n: int) -> float:
    return 0.5


def test_pool_survives_crashed_hung_and_failing_tasks():
    pool = isolate.WorkerPool(2, _square_or_die, _limit)
    try:
        results = dict(pool.imap_unordered(range(12), chunksize=3))
    finally:
        pool.close()
    assert sorted(results) == list(range(12))
    assert results[3] == isolate.Failed(isolate.CRASHED, "killed by signal SIGSEGV")
    assert results[5].kind == isolate.TIMEOUT
    assert results[7].kind == isolate.ERROR and results[7].detail.startswith("ValueError: a bug")
    assert {n: r for n, r in results.items() if n not in (3, 5, 7)} == {n: n * n for n in range(12) if n not in (3, 5, 7)}


def _deaf(n: int) -> int:
    # A worker stuck where the timer signal cannot reach Python code (as in a long native call).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    if n == 1:
        time.sleep(60)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    return n


def test_parent_kills_a_worker_that_does_not_answer(monkeypatch):
    monkeypatch.setattr(isolate, "GRACE", 0.5)
    started = time.monotonic()
    pool = isolate.WorkerPool(2, _deaf, _limit)
    try:
        results = dict(pool.imap_unordered(range(4)))
    finally:
        pool.close()
    assert time.monotonic() - started < 20
    assert results[1].kind == isolate.TIMEOUT and "did not answer" in results[1].detail
    assert [results[n] for n in (0, 2, 3)] == [0, 2, 3]


def test_terminate_leaves_no_worker_process():
    pool = isolate.WorkerPool(2, time.sleep, None)
    iterator = pool.imap_unordered([30, 30, 30])
    pids = []

    def first_result():
        pids.extend(w.process.pid for w in pool._workers)
        raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, lambda *_: first_result())
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    with pytest.raises(KeyboardInterrupt):
        next(iterator)
    pool.terminate()
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


# --- through the runner ----------------------------------------------------------------------------------

def _write_files(folder, count=20):
    for index in range(count):
        (folder / f"m{index:02}.py").write_text(robustness_cli.keras_file(index))


def test_a_file_that_times_out_is_km001_and_the_run_goes_on(tmp_path):
    _write_files(tmp_path)
    # CPython accepts this; LibCST needs seconds for it (then gives up with RecursionError).
    slow = "from keras.layers import merge\nx = a" + "[0]" * 2000 + "\nmerge(x)\n"
    (tmp_path / "slow.py").write_text(slow)
    settings = runner.RunSettings(mode=runner.CHECK, codes=("KM001", "KM101"), jobs=2, timeout=1.0)
    started = time.monotonic()
    result = runner.run([str(tmp_path)], settings)
    assert time.monotonic() - started < 60
    by_path = {os.path.basename(o.path): o for o in result.outcomes}
    assert [d.code for d in by_path["slow.py"].diagnostics] == ["KM001"]
    assert "time-out" in by_path["slow.py"].diagnostics[0].message
    assert all([d.code for d in by_path[f"m{i:02}.py"].diagnostics] == ["KM101"] for i in range(20))


def test_the_time_limit_also_holds_in_process(tmp_path):
    path = tmp_path / "slow.py"
    path.write_text("from keras.layers import merge\nx = a" + "[0]" * 2000 + "\nmerge(x)\n")
    settings = runner.RunSettings(mode=runner.CHECK, codes=("KM001", "KM101"), jobs=1, timeout=0.05)
    outcome = runner.process_file(Candidate(path, True), settings)
    assert [d.code for d in outcome.diagnostics] == ["KM001"]
    assert "time-out" in outcome.diagnostics[0].message


def test_time_limit_grows_with_the_file(tmp_path):
    small, big = tmp_path / "small.py", tmp_path / "big.py"
    small.write_text("x = 1\n")
    big.write_bytes(b"x = 1\n" * 100_000)
    settings = runner.RunSettings(timeout=60)
    assert runner.time_limit(Candidate(small, True), settings) == pytest.approx(60, abs=0.01)
    assert runner.time_limit(Candidate(big, True), settings) == pytest.approx(120, abs=0.01)


def test_a_worker_that_dies_is_km001_and_the_run_goes_on(tmp_path, monkeypatch):
    _write_files(tmp_path)
    (tmp_path / "crash.py").write_text(robustness_cli.KERAS_FILE)
    analyse_file = runner.analyse_file

    def crashing(candidate, settings):
        if candidate.path.name == "crash.py":
            faulthandler.disable()
            os.kill(os.getpid(), signal.SIGSEGV)
        return analyse_file(candidate, settings)

    monkeypatch.setattr(runner, "analyse_file", crashing)  # inherited by the forked workers
    settings = runner.RunSettings(mode=runner.FIX, codes=("KM001", "KM101"), jobs=2)
    result = runner.run([str(tmp_path)], settings)
    by_path = {os.path.basename(o.path): o for o in result.outcomes}
    assert len(by_path) == 21
    crashed = by_path["crash.py"].diagnostics
    assert [d.code for d in crashed] == ["KM001"] and "crashed" in crashed[0].message and "SIGSEGV" in crashed[0].message
    assert (tmp_path / "crash.py").read_text() == robustness_cli.KERAS_FILE  # never written
    assert all(len(by_path[f"m{i:02}.py"].fixed) == 1 for i in range(20))


def test_an_internal_error_is_one_line_and_exit_2(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(robustness_cli.KERAS_FILE)
    (tmp_path / "b.py").write_text(robustness_cli.KERAS_FILE)

    def broken(data, path, *args, **kwargs):
        if path.endswith("a.py"):
            raise KeyError("something")
        return analyse(data, path, *args, **kwargs)

    analyse = runner.pipeline.analyse
    monkeypatch.setattr(runner.pipeline, "analyse", broken)
    result = runner.run([str(tmp_path)], runner.RunSettings(mode=runner.CHECK, codes=("KM101",), jobs=1))
    assert len(result.errors) == 1
    assert "a.py: internal error while analysing this file (KeyError: 'something')" in result.errors[0]
    assert [d.code for d in result.diagnostics] == ["KM101"]  # b.py


def test_pool_results_stream_without_a_round_trip_per_file(tmp_path, monkeypatch):
    """Chunks go out ahead of time: the parent sends far fewer messages than there are files."""
    _write_files(tmp_path, 64)
    sent = []
    give = isolate._Worker.give

    def counting(self, chunk):
        sent.append(len(chunk))
        give(self, chunk)

    monkeypatch.setattr(isolate._Worker, "give", counting)
    result = runner.run([str(tmp_path)], runner.RunSettings(mode=runner.CHECK, codes=("KM101",), jobs=2))
    assert len(result.diagnostics) == 64
    assert sum(sent) == 64 and len(sent) <= 32
