"""Numerical equivalence: the old model under Keras 1.2.2, the new one under Keras 3 (design.md §5).

``verify_sources`` is the entry point; ``LegacyWorker`` is the persistent Keras 1 process (one per
run, started lazily, restarted when it dies, a time limit per request).
"""
from __future__ import annotations

import atexit
import base64
import io
import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .legacy_env import LegacyEnvError, check_legacy_env, legacy_environ, legacy_python

__all__ = [
    "LegacyWorker",
    "LegacyWorkerError",
    "OutputVerdict",
    "VerifyResult",
    "compare_arrays",
    "default_worker",
    "make_inputs",
    "verify_sources",
]

WORKER_SCRIPT = Path(__file__).resolve().parent / "worker_k1.py"
EQUAL = "equal"
EQUAL_SINGLETON = "equal up to singleton axes"
DIFFERENT = "different"


class LegacyWorkerError(LegacyEnvError):
    """The Keras 1 worker died, timed out or could not start. One-line message."""


# --------------------------------------------------------------------------- array transport


def _encode(arr) -> dict:
    buf = io.BytesIO()
    np.save(buf, np.asarray(arr), allow_pickle=False)
    return {"__npy__": base64.b64encode(buf.getvalue()).decode("ascii")}


def _decode(obj) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(obj["__npy__"])), allow_pickle=False)


# --------------------------------------------------------------------------- the worker


class LegacyWorker:
    """A persistent Keras 1.2.2 process (JSON lines over pipes).

    Started lazily by the first request; ``close()`` (or leaving the ``with`` block, or the
    interpreter's exit) ends it.  A request that exceeds ``timeout`` seconds kills the worker and
    raises LegacyWorkerError; the next request starts a fresh one (models built before are gone).
    """

    def __init__(self, env_path: Path, *, timeout: float = 300.0, start_timeout: float = 300.0):
        self.env_path = Path(env_path)
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._proc: subprocess.Popen | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr = None
        self._next_id = 0
        self._lock = threading.RLock()
        self.versions: dict[str, Any] = {}
        self.generation = 0  # incremented at every (re)start
        self.start_seconds: float | None = None
        atexit.register(self.close)

    # -- lifecycle
    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        with self._lock:
            if self.alive:
                return
            self._cleanup()
            check_legacy_env(self.env_path)
            t0 = time.monotonic()
            self._stderr = tempfile.TemporaryFile(mode="w+b", prefix="kmigrate-k1-worker-")
            self._lines = queue.Queue()
            try:
                self._proc = subprocess.Popen(
                    [str(legacy_python(self.env_path)), "-u", str(WORKER_SCRIPT)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=self._stderr,
                    env=legacy_environ(self.env_path),
                    start_new_session=True,  # Ctrl-C goes to kmigrate, which then ends the worker
                )
            except OSError as exc:
                raise LegacyWorkerError(f"cannot start the Keras 1 worker: {exc}") from None
            reader = threading.Thread(target=self._read, args=(self._proc.stdout, self._lines), daemon=True)
            reader.start()
            ready = self._receive(self.start_timeout, "starting the Keras 1 worker")
            if not ready.get("ok"):
                self.close()
                raise LegacyWorkerError(f"the Keras 1 worker did not start: {ready.get('error')}")
            self.versions = ready.get("versions", {})
            self.generation += 1
            self.start_seconds = time.monotonic() - t0

    @staticmethod
    def _read(stream, lines) -> None:
        try:
            for raw in stream:
                lines.put(raw.decode("utf-8", "replace"))
        except (OSError, ValueError):
            pass
        lines.put(None)

    def _stderr_tail(self, n: int = 1) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.flush()
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        errors = [ln for ln in lines if "Error" in ln or "error" in ln]
        picked = (errors or lines)[-n:]
        return " | ".join(picked)

    def _receive(self, timeout: float, what: str) -> dict:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            raise LegacyWorkerError(f"{what}: no answer from the Keras 1 worker within {timeout:g} s (killed)") from None
        if line is None:
            code = self._proc.wait() if self._proc else None
            tail = self._stderr_tail()
            self._kill()
            raise LegacyWorkerError(
                f"{what}: the Keras 1 worker died (exit {code})" + (f": {tail}" if tail else "")
            )
        try:
            return json.loads(line)
        except ValueError:
            self._kill()
            raise LegacyWorkerError(f"{what}: garbled answer from the Keras 1 worker: {line[:200]!r}") from None

    def request(self, op: str, timeout: float | None = None, **payload) -> dict:
        """Send one request; returns the answer (``ok`` may be False with ``error``)."""
        with self._lock:
            self.start()
            self._next_id += 1
            rid = self._next_id
            msg = json.dumps({"id": rid, "op": op, **payload}) + "\n"
            try:
                self._proc.stdin.write(msg.encode("utf-8"))
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                tail = self._stderr_tail()
                self._kill()
                raise LegacyWorkerError("the Keras 1 worker died" + (f": {tail}" if tail else "")) from None
            answer = self._receive(self.timeout if timeout is None else timeout, f"request {op!r}")
            while answer.get("id") not in (rid, None):  # stale answer of an earlier request
                answer = self._receive(self.timeout if timeout is None else timeout, f"request {op!r}")
            return answer

    def build(self, source: str, filename: str, func: str) -> dict:
        answer = self.request("build", source=source, filename=filename, func=func)
        if answer.get("ok"):
            for layer in answer.get("layers", []):
                layer["weights"] = [_decode(w) for w in layer.get("weights", [])]
            answer["generation"] = self.generation
        return answer

    def predict(self, model_id: int, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        answer = self.request("predict", model_id=model_id, inputs=[_encode(a) for a in inputs])
        if not answer.get("ok"):
            raise LegacyWorkerError(f"Keras 1 predict failed: {answer.get('error')}")
        return [_decode(o) for o in answer["outputs"]]

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the worker is its own session leader
            except (OSError, ProcessLookupError):
                try:
                    proc.kill()
                except OSError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._cleanup()

    def _cleanup(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass
        if self._stderr is not None:
            try:
                self._stderr.close()
            except OSError:
                pass
            self._stderr = None

    def close(self) -> None:
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                try:
                    proc.stdin.write(b'{"op": "quit"}\n')
                    proc.stdin.flush()
                    proc.wait(timeout=5)
                except (OSError, ValueError, subprocess.TimeoutExpired):
                    pass
            self._kill()

    def __enter__(self) -> LegacyWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_DEFAULT_WORKERS: dict[str, LegacyWorker] = {}


def default_worker(env_path: Path) -> LegacyWorker:
    """One shared worker per runtime path for this process (closed at exit)."""
    key = str(Path(env_path).absolute())
    worker = _DEFAULT_WORKERS.get(key)
    if worker is None:
        worker = _DEFAULT_WORKERS[key] = LegacyWorker(Path(env_path))
    return worker


# --------------------------------------------------------------------------- inputs


def make_inputs(specs: Sequence[dict], seed: int, batch: int = 4, scale: float = 1.0) -> list[np.ndarray]:
    """Seeded inputs: standard normal floats (× scale); integers in [0, input_dim) for Embedding inputs."""
    rng = np.random.RandomState(seed)
    arrays = []
    for spec in specs:
        shape = [batch] + [5 if d is None else int(d) for d in (spec.get("shape") or [None])[1:]]
        dtype = str(spec.get("dtype") or "float32")
        input_dim = spec.get("input_dim")
        if input_dim:
            arr = rng.randint(0, int(input_dim), size=shape).astype(dtype if "int" in dtype else "int32")
        elif "int" in dtype:
            arr = rng.randint(0, 10, size=shape).astype(dtype)
        else:
            arr = (rng.standard_normal(shape) * scale).astype("float32")
        arrays.append(arr)
    return arrays


# --------------------------------------------------------------------------- verdicts


@dataclass
class OutputVerdict:
    index: int
    kind: str  # EQUAL, EQUAL_SINGLETON or DIFFERENT
    old_shape: tuple
    new_shape: tuple
    draw: str = ""
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    worst_index: tuple | None = None
    old_value: float | None = None
    new_value: float | None = None
    note: str = ""

    @property
    def equal(self) -> bool:
        return self.kind in (EQUAL, EQUAL_SINGLETON)

    def describe(self) -> str:
        head = f"output {self.index}: {self.kind}"
        if self.kind == EQUAL:
            return head
        shapes = f"Keras 1 shape {self.old_shape}, Keras 3 shape {self.new_shape}"
        if self.kind == EQUAL_SINGLETON:
            return f"{head} ({shapes})"
        parts = [shapes]
        if self.max_abs_error is not None:
            parts.append(f"max abs error {self.max_abs_error:.3g}")
            parts.append(f"max rel error {self.max_rel_error:.3g}")
            parts.append(
                f"worst at index {self.worst_index}: Keras 1 {self.old_value:.7g} vs Keras 3 {self.new_value:.7g}"
            )
        if self.note:
            parts.append(self.note)
        if self.draw:
            parts.append(f"inputs {self.draw}")
        return f"{head}: " + "; ".join(parts)


def _error_stats(old: np.ndarray, new: np.ndarray, rtol: float, atol: float):
    """max abs error, max rel error, index of the worst element (largest excess over the tolerance)."""
    old64 = old.astype(np.float64)
    new64 = new.astype(np.float64)
    both_nan = np.isnan(old64) & np.isnan(new64)
    one_nan = np.isnan(old64) ^ np.isnan(new64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        same_inf = np.isinf(old64) & (old64 == new64)
        diff = np.abs(old64 - new64)
        diff = np.where(both_nan | same_inf, 0.0, diff)
        diff = np.where(one_nan, np.inf, diff)
        diff = np.where(np.isnan(diff), np.inf, diff)
        ref = np.abs(old64)
        rel = np.where(diff == 0, 0.0, diff / np.where(ref == 0, np.nan, ref))
        rel = np.where(np.isnan(rel), np.inf, rel)
        excess = diff / (atol + rtol * np.where(np.isfinite(ref), ref, 0.0))
        excess = np.where(np.isnan(excess), np.inf, excess)
    flat = int(np.argmax(excess)) if excess.size else 0
    worst = tuple(int(i) for i in np.unravel_index(flat, old.shape)) if old.size else ()
    return (
        float(diff.max()) if diff.size else 0.0,
        float(rel.max()) if rel.size else 0.0,
        worst,
        float(old64.flat[flat]) if old.size else float("nan"),
        float(new64.flat[flat]) if new.size else float("nan"),
    )


def _close(old: np.ndarray, new: np.ndarray, rtol: float, atol: float) -> bool:
    if old.size == 0:
        return True
    return bool(np.allclose(new.astype(np.float64), old.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True))


def compare_arrays(index: int, old: np.ndarray, new: np.ndarray, *, rtol: float = 1e-5, atol: float = 1e-6,
                   draw: str = "") -> OutputVerdict:
    """Verdict for one output: the Keras 1 array is the reference."""
    old = np.asarray(old)
    new = np.asarray(new)
    oshape, nshape = tuple(old.shape), tuple(new.shape)
    base = dict(index=index, old_shape=oshape, new_shape=nshape, draw=draw)
    if old.dtype.kind not in "fiub" or new.dtype.kind not in "fiub":
        if oshape == nshape and np.array_equal(old, new):
            return OutputVerdict(kind=EQUAL, **base)
        return OutputVerdict(kind=DIFFERENT, note=f"dtypes {old.dtype} and {new.dtype}", **base)
    if oshape == nshape:
        kind = EQUAL
        a, b = old, new
    else:
        a, b = np.squeeze(old), np.squeeze(new)
        if a.shape != b.shape or (oshape and nshape and oshape[0] != nshape[0]):
            return OutputVerdict(kind=DIFFERENT, note="shapes differ beyond singleton axes", **base)
        kind = EQUAL_SINGLETON
    if _close(a, b, rtol, atol):
        return OutputVerdict(kind=kind, **base)
    abs_err, rel_err, worst, ov, nv = _error_stats(a, b, rtol, atol)
    if kind == EQUAL_SINGLETON:  # report the index in the Keras 1 array
        flat = int(np.ravel_multi_index(worst, a.shape)) if a.size else 0
        worst = tuple(int(i) for i in np.unravel_index(flat, oshape)) if old.size else ()
    return OutputVerdict(
        kind=DIFFERENT, max_abs_error=abs_err, max_rel_error=rel_err, worst_index=worst, old_value=ov,
        new_value=nv, **base,
    )


# --------------------------------------------------------------------------- the entry point


@dataclass
class VerifyResult:
    ok: bool
    lines: list[str]
    status: str = "equal"  # "equal" | "different" | "weights" | "inputs" | "error"
    verdicts: list[OutputVerdict] = field(default_factory=list)  # the worst verdict of each output
    singleton: bool = False  # some output is only equal up to singleton axes
    timings: dict[str, float] = field(default_factory=dict)  # seconds: old_build, new_build, *_predict_first
    weight_pairs: list[str] = field(default_factory=list)  # "Dense 'dense_1' -> Dense 'dense'", matched layers

    def __bool__(self) -> bool:
        return self.ok


DRAWS = (("standard normal", 0, 1.0), ("x1e-3", 1, 1e-3), ("x1e3", 1, 1e3))
_RANK = {EQUAL: 0, EQUAL_SINGLETON: 1, DIFFERENT: 2}


def _fail(status: str, *lines: str, timings=None) -> VerifyResult:
    return VerifyResult(ok=False, lines=list(lines), status=status, timings=dict(timings or {}))


def _inputs_problem(old_specs: list[dict], new_specs: list[dict]) -> str | None:
    if not new_specs:
        return None  # a model without symbolic inputs (subclassed): let it run
    if len(old_specs) != len(new_specs):
        return f"the Keras 1 model has {len(old_specs)} input(s), the Keras 3 model {len(new_specs)}"
    for i, (o, n) in enumerate(zip(old_specs, new_specs)):
        os_, ns_ = o.get("shape"), n.get("shape")
        if os_ is None or ns_ is None:
            continue
        if len(os_) != len(ns_) or any(a is not None and b is not None and a != b for a, b in zip(os_[1:], ns_[1:])):
            return f"input {i}: shape {tuple(os_)} in Keras 1 but {tuple(ns_)} in Keras 3"
    return None


def verify_sources(
    old_source: str,
    new_source: str,
    func: str,
    *,
    filename: str,
    env_path: Path,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    worker: LegacyWorker | None = None,
    new_filename: str | None = None,
) -> VerifyResult:
    """Build FUNC from ``old_source`` under Keras 1.2.2 and from ``new_source`` under Keras 3, copy the
    weights, run both on the same seeded inputs and compare every output.

    Raises LegacyEnvMissing when the runtime is not prepared (the CLI's exit 2).  Everything about
    the models themselves (a build error, weights or inputs that do not correspond, different
    outputs) is a VerifyResult with ``ok`` False and human-readable ``lines``.
    """
    timings: dict[str, float] = {}
    check_legacy_env(env_path)
    worker = worker or default_worker(env_path)

    t0 = time.monotonic()
    try:
        built = worker.build(old_source, filename, func)
    except LegacyWorkerError as exc:
        return _fail("error", f"Keras 1.2.2 worker: {exc}", timings=timings)
    timings["old_build"] = time.monotonic() - t0
    if not built.get("ok"):
        return _fail("error", f"the old model could not be built under Keras 1.2.2: {built.get('error')}",
                     timings=timings)

    from . import keras3_side  # imports keras lazily, inside its functions

    t0 = time.monotonic()
    try:
        new = keras3_side.build_new_model(new_source, new_filename or filename, func)
    except Exception as exc:  # the user's code: any error is a verdict  # noqa: BLE001
        return _fail("error", f"the new model could not be built under Keras 3: {_one_line(exc)}", timings=timings)
    timings["new_build"] = time.monotonic() - t0

    problem = _inputs_problem(built["inputs"], new.inputs)
    if problem:
        return _fail("inputs", f"inputs do not correspond: {problem}", timings=timings)
    try:
        notes = keras3_side.transfer_weights(built["layers"], new)
    except keras3_side.WeightsMismatch as exc:
        return _fail("weights", f"weights do not correspond: {exc}", timings=timings)
    except Exception as exc:  # noqa: BLE001
        return _fail("weights", f"weights do not correspond: {_one_line(exc)}", timings=timings)

    worst: dict[int, OutputVerdict] = {}
    n_outputs = None
    for label, seed, scale in DRAWS:
        arrays = make_inputs(built["inputs"], seed=seed, scale=scale)
        old_arrays = [
            a.astype(spec["dtype"]) if spec.get("dtype") and spec["dtype"] != str(a.dtype) else a
            for a, spec in zip(arrays, built["inputs"])
        ]
        t0 = time.monotonic()
        try:
            old_out = worker.predict(built["model_id"], old_arrays)
        except LegacyWorkerError as exc:
            return _fail("error", f"the old model could not run under Keras 1.2.2: {exc}", timings=timings)
        timings.setdefault("old_predict_first", time.monotonic() - t0)
        new_arrays = [
            a.astype(spec["dtype"]) if spec.get("dtype") and spec["dtype"] != str(a.dtype) else a
            for a, spec in zip(arrays, new.inputs or [{}] * len(arrays))
        ]
        t0 = time.monotonic()
        try:
            new_out = keras3_side.predict_new(new, new_arrays)
        except Exception as exc:  # noqa: BLE001
            return _fail("error", f"the new model could not run under Keras 3: {_one_line(exc)}", timings=timings)
        timings.setdefault("new_predict_first", time.monotonic() - t0)
        if len(old_out) != len(new_out):
            return _fail("different", f"the Keras 1 model has {len(old_out)} output(s), the Keras 3 model "
                                      f"{len(new_out)}", timings=timings)
        n_outputs = len(old_out)
        for i, (o, n) in enumerate(zip(old_out, new_out)):
            # atol grows with the inputs on the x1e3 draw: float32 rounding of sums of terms of size 1e3
            # that cancel is about 1e3 times larger than on standard normal inputs (measured on Conv2D).
            verdict = compare_arrays(i, o, n, rtol=rtol, atol=atol * max(1.0, scale), draw=label)
            if i not in worst or _RANK[verdict.kind] > _RANK[worst[i].kind]:
                worst[i] = verdict
    verdicts = [worst[i] for i in range(n_outputs or 0)]
    ok = all(v.equal for v in verdicts)
    lines = [v.describe() for v in verdicts]
    if ok:
        lines.append(
            f"weights: {len(notes)} layer(s) matched; inputs: {len(DRAWS)} seeded draws of batch 4 "
            f"(standard normal, x1e-3, x1e3; atol x1e3 on the last)"
        )
    return VerifyResult(
        ok=ok,
        lines=lines,
        status="equal" if ok else "different",
        verdicts=verdicts,
        singleton=any(v.kind == EQUAL_SINGLETON for v in verdicts),
        timings=timings,
        weight_pairs=notes,
    )


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    text = " ".join(text.split())
    return text if len(text) <= 500 else text[:497] + "..."
