"""`python -m bench`: run every metric, print the table and write bench/results.md."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.harness import Context, Goal, Result
from bench.machine import describe
from bench.subprocesses import compile_app
from bench.table import details, growth, markdown

# Windows of the in-process GUI metrics never appear on screen (`make bench` sets this too).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
# Fixtures (up to a million patients) are kept per machine, outside the repository.
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gluteal-assess-bench"
# Run in this order: cheap in-process metrics first, subprocesses and large fixtures after.
METRICS = (
    "differential",
    "panel_refresh",
    "autosave",
    "open_patient",
    "history_pdf",
    "export_gui_thread",  # the GUI thread's part of a summary export at 2000 visits (issue 17)
    "pdf_export",
    "cold_start",
    "startup_checks",
    "search",
    "memory",
    "postgres",  # the clinic server beside the file (bench/postgres.py, issue 16)
    "verify",  # full and incremental verify on a 1 GB-class file (bench/verify.py, issue 14)
)


TIMES: dict[str, float] = {}  # seconds per metric module in this run, for results.md


def run_metric(name: str, ctx: Context) -> list[Result]:
    """One metric module's results, or a single unmeasured row naming what went wrong."""
    started = time.perf_counter()
    try:
        return _measured(name, ctx, started)
    finally:
        TIMES[name] = time.perf_counter() - started


def _measured(name: str, ctx: Context, started: float) -> list[Result]:
    ctx.log(f"[bench] {name} ...")
    try:
        module = importlib.import_module(f"bench.{name}")
        results: list[Result] = module.measure(ctx)
    # A part of the app that is missing or broken must not hide the other figures; the traceback
    # goes to stderr and the exit status reports it.
    except Exception as exc:
        traceback.print_exc()
        return [Result(name, "ms", 0, Goal(), None, note=f"not measured: {exc!r}")]
    ctx.log(f"[bench] {name} done in {time.perf_counter() - started:.1f} s")
    return results


def report(results: list[Result], seconds: float, built: list[str]) -> str:
    """The content of bench/results.md."""
    per_metric = ", ".join(f"{name} {spent:.0f} s" for name, spent in TIMES.items())
    rows = [*describe(), ("Run time", f"{seconds:.0f} s ({per_metric})")]
    rows.append(("Fixtures built in this run", ", ".join(built) or "none (all cached)"))
    machine = "\n".join(f"- {label}: {value}" for label, value in rows)
    return (
        "# Benchmark results\n\n"
        "Written by `make bench` (`python -m bench`); see [README.md](README.md) for what each "
        "metric drives and how misses were profiled.\n\n"
        f"{machine}\n\n{markdown(results)}\n\n"
        "ratio = app / floor, both medians measured in the same run; p95 = the 95th percentile "
        "of the app's runs where it is recorded.\n\n"
        "## Growth: cost against size\n\n"
        "App medians (ratio to the floor in brackets).\n\n"
        f"{growth(results)}\n\n"
        "## How each figure was measured\n\n"
        f"{details(results)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=METRICS, help="run only these metrics")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every repeat count (default 1)"
    )
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help=f"fixture folder (default {CACHE})"
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "results.md", help="where to write the results"
    )
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    compile_app()  # the fresh interpreters load the app as installed (bench/subprocesses.py)
    with tempfile.TemporaryDirectory(prefix="gluteal-bench-") as work:
        built: list[str] = []

        def log(message: str) -> None:
            if message.startswith("[bench] building "):
                built.append(message.split()[2])
            print(message, file=sys.stderr)

        ctx = Context(args.cache, Path(work), args.scale, log=log)
        results = [r for name in (args.only or METRICS) for r in run_metric(name, ctx)]
    print(markdown(results))
    print(f"\n{details(results)}")
    seconds = time.perf_counter() - started
    args.out.write_text(report(results, seconds, built), encoding="utf-8")
    print(f"\nWritten to {args.out} in {seconds:.0f} s.", file=sys.stderr)
    return 1 if any(r.app is None for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
