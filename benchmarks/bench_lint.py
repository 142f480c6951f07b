"""Time kmigrate against reference points, side by side in one run (medians of repeated runs).

1. ``kmigrate --check`` over a large real tree (default: the installed TensorFlow package's Python
   sources), beside ``ruff check --select NPY201`` of the same tree (when ruff is installed) and a
   bare single-process LibCST parse of the files kmigrate would parse.
2. ``kmigrate --fix`` over a dense folder where every file needs fixing (the rule fixtures' before
   files, copied to N files), beside a bare single-process LibCST parse of the same files.

Usage: python benchmarks/bench_lint.py [--tree PATH] [--dense-files N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(run, repeat: int, setup=None) -> float:
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def kmigrate(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "kmigrate", "--quiet", *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)


def bare_parse(files: list[Path]) -> None:
    code = (
        "import sys, libcst\n"
        "for path in sys.argv[1:]:\n"
        "    libcst.parse_module(open(path, 'rb').read())\n"
    )
    subprocess.run([sys.executable, "-c", code, *map(str, files)], check=True)


def python_files(tree: Path) -> list[Path]:
    return [Path(d, f) for d, _, fs in os.walk(tree) for f in fs if f.endswith(".py")]


def default_tree() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("tensorflow")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("no --tree given and TensorFlow is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def dense_folder(target: Path, count: int, per_file: int = 12) -> list[Path]:
    """``count`` files of real size, each the concatenation of ``per_file`` merge fixtures."""
    sources = sorted(p for p in (ROOT / "tests" / "fixtures").glob("km1*/*.before.py"))
    sources += sorted((ROOT / "tests" / "fixtures" / "imports").glob("*.before.py"))
    texts = [p.read_text() for p in sources]
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        path = target / f"m{i:04}.py"
        path.write_text("\n\n".join(texts[(i + k) % len(texts)] for k in range(per_file)))
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--dense-files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tree = args.tree or default_tree()
    files = python_files(tree)
    size = sum(p.stat().st_size for p in files) / 1e6
    cpus = os.cpu_count()
    print(f"tree: {tree} ({len(files)} files, {size:.1f} MB); {cpus} CPUs; medians of {args.repeat} runs")

    kmigrate("--help")  # warm the file cache and byte-code
    check = median_time(lambda: kmigrate("--check", str(tree)), args.repeat)
    check1 = median_time(lambda: kmigrate("--check", "--jobs", "1", str(tree)), args.repeat)
    print(f"kmigrate --check (jobs={cpus})        {check:7.2f} s")
    print(f"kmigrate --check --jobs 1            {check1:7.2f} s")
    ruff = shutil.which("ruff", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if ruff:
        run_ruff = lambda: subprocess.run([ruff, "check", "--select", "NPY201", "--no-cache", "--quiet", str(tree)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ruff_time = median_time(run_ruff, args.repeat)
        print(f"ruff check --select NPY201           {ruff_time:7.2f} s   (kmigrate/ruff = {check / ruff_time:.1f}x)")
    keras_files = [p for p in files if b"keras" in p.read_bytes()]
    parse_time = median_time(lambda: bare_parse(keras_files), max(1, args.repeat // 2))
    print(f"bare LibCST parse of the {len(keras_files)} files mentioning keras {parse_time:7.2f} s "
          f"(kmigrate/parse = {check / parse_time:.2f}x)")

    with tempfile.TemporaryDirectory() as scratch:
        pristine = Path(scratch) / "pristine"
        work = Path(scratch) / "work"
        dense = dense_folder(pristine, args.dense_files)
        dense_size = sum(p.stat().st_size for p in dense) / 1e6

        def reset():
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(pristine, work)

        fix = median_time(lambda: kmigrate("--fix", str(work)), args.repeat, reset)
        fix1 = median_time(lambda: kmigrate("--fix", "--jobs", "1", str(work)), args.repeat, reset)
        parse = median_time(lambda: bare_parse(dense), args.repeat)
        print(f"dense folder: {len(dense)} files needing fixes, {dense_size:.2f} MB")
        print(f"kmigrate --fix (jobs={cpus})          {fix:7.2f} s   ({fix / parse:.2f}x bare parse)")
        print(f"kmigrate --fix --jobs 1              {fix1:7.2f} s   ({fix1 / parse:.2f}x bare parse)")
        print(f"bare single-process LibCST parse     {parse:7.2f} s")


if __name__ == "__main__":
    main()
