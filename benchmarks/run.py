"""Run minilr's benchmarks side by side with their references and print one table.

Usage::

    python benchmarks/run.py [--quick] [--only NAME ...] [--json FILE] [--repeats N]

Each case times minilr and its reference alternately in this one process (median of
the repeats) and checks a quality figure showing both did the same work. The exit
status is 1 if any quality figure disagrees beyond its tolerance, never because of
a time: a fast wrong answer is a failure, a slow right one is a row to read.
"""

import argparse
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_linear  # noqa: E402


def all_cases():
    cases = dict(bench_linear.CASES)
    for module_name in ("bench_multiclass", "bench_mlp", "bench_dask", "bench_bandwidth"):
        module = __import__(module_name)
        cases.update(module.CASES)
    return cases


def machine():
    import numpy as np

    blas = ""
    try:
        from threadpoolctl import threadpool_info

        info = [f"{d['internal_api']} {d.get('version', '')} ({d['num_threads']} threads)"
                for d in threadpool_info() if d["user_api"] == "blas"]
        blas = ", ".join(info)
    except ImportError:
        pass
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, NumPy {np.__version__}, {blas}")


def _quality_text(q):
    if isinstance(q, dict):
        return ", ".join(f"{k} {v:.6g}" if isinstance(v, float) else f"{k} {v}" for k, v in q.items())
    return str(q)


def format_table(rows):
    lines = ["| case | reference | minilr | reference | ratio | target | met | quality |",
             "| --- | --- | ---: | ---: | ---: | --- | --- | --- |"]
    for r in rows:
        unit = "/s" if r["target"].startswith(">=") else " s"
        fmt = (lambda v: f"{v:,.0f}{unit}") if unit == "/s" else (lambda v: f"{v:.3f}{unit}")
        if r["case"].startswith("7."):
            fmt = lambda v: f"{v:.1%}"  # noqa: E731  (memory: a fraction of X)
        lines.append(
            f"| {r['case']} | {r['reference']} | {fmt(r['minilr_s'])} | {fmt(r['reference_s'])} | "
            f"{r['ratio']:.2f} | {r['target']} | {'yes' if r['target_met'] else 'no'} | "
            f"{_quality_text(r['quality'])}{'' if r['quality_ok'] else ' **QUALITY FAILED**'} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller problems, 3 repeats")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these cases")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--repeats", type=int, help="repeats per case (default 5, quick 3)")
    args = parser.parse_args(argv)
    cases = all_cases()
    names = args.only or list(cases)
    unknown = [n for n in names if n not in cases]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {list(cases)}")
    repeats = args.repeats or (3 if args.quick else 5)
    rows = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(cases[name](quick=args.quick, repeats=repeats))
    print(f"Machine: {machine()}")
    print(format_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    failed = [r["case"] for r in rows if not r["quality_ok"]]
    if failed:
        print(f"\nQuality check failed for: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
