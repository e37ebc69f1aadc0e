"""The class report of a large class: 500 records summarised into one HTML file.

Usage::

    python benchmarks/bench_report.py [--records 500] [--repeat 5] [--json FILE]

A class of 100 generated submissions (five ex2 and lesson exercises each,
verdicts and catalogued mistakes drawn from a seeded generator, messages as
the grader writes them) is written as a JSON report; then, as
``python -m minilr report grades.json --html class.html --feedback DIR`` does,
read back and summarised. Prints the median seconds of reading the report
and writing the class report (target: under 2 s for 500 records), of writing
the feedback files, and the size of the HTML (target: under 2 MB). Exits 1
if the HTML is over 2 MB or a mistake count in it differs from the records'.
"""

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minilr.exercises.judging.mistakes import CATALOGUE  # noqa: E402
from minilr.exercises.reporting.classreport import write_class_report  # noqa: E402
from minilr.exercises.reporting.feedback import write_feedback  # noqa: E402
from minilr.exercises.reporting.gradesfile import envelope, metadata, read_report  # noqa: E402

TARGET_S, TARGET_BYTES = 2.0, 2_000_000
EXERCISES = {"ex2:sigmoid": "sigmoid", "ex2:costFunction": "cost", "ex2:costFunctionReg": "cost",
             "lesson:regularized_gradient": "gradient", "lesson:predict": "predict_one_vs_all"}


def generate(n_records, seed=0):
    """``n_records`` records of a class, five exercises per submission."""
    rng = np.random.default_rng(seed)
    by_kind = {}
    for m in CATALOGUE:
        by_kind.setdefault(m.exercise, {}).setdefault(m.key, m.message)
    records = []
    for k in range(n_records // len(EXERCISES) + 1):
        for exercise, kind in EXERCISES.items():
            verdict = rng.choice(["pass", "fragile", "fail", "error", "missing"], p=[0.5, 0.1, 0.3, 0.05, 0.05])
            keys = list(by_kind.get(kind, {"wrong_value": ""}))
            mistakes = sorted(set(rng.choice(keys, size=rng.integers(1, 3)))) if verdict in ("fail", "fragile") else []
            lines = [f"{key}: {by_kind.get(kind, {}).get(key, 'Wrong values.')} [case 'random data, lam=1.5': "
                     "J: wrong value]" for key in mistakes]
            message = {"error": "timed out: no answer within 10 s (the process was stopped)",
                       "missing": f"no function `{exercise.split(':')[1]}` found",
                       "pass": "all 5 cases agree with minilr's reference."}.get(verdict, "\n".join(lines))
            points = 1.0 if verdict in ("pass", "fragile") else 0.0
            records.append({"submission": f"student_{k:03d}.ipynb", "exercise": exercise,
                            "function": exercise.split(":")[1], "verdict": str(verdict), "mistakes": mistakes,
                            "points": points, "max_points": 1.0, "message": message,
                            "profile": exercise.split(":")[0],
                            "seconds": None if verdict == "missing" else float(rng.uniform(0.01, 2.0))})
    return records[:n_records]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write the numbers here")
    args = parser.parse_args(argv)
    records = generate(args.records)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        grades = folder / "grades.json"
        grades.write_text(json.dumps(envelope(records, metadata(None, {"timeout": 10.0}))))
        report_s, feedback_s = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            meta, read = read_report(grades)
            write_class_report(folder / "class.html", read, meta)
            report_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            write_feedback(read, folder / "feedback")
            feedback_s.append(time.perf_counter() - start)
        html = (folder / "class.html").read_text()
        size = len(html.encode())
    shown = {(e, k): int(n) for e, k, n in re.findall(
        r'data-exercise="([^"]+)" data-mistake="([^"]+)"><a [^>]*>(\d+)</a>', html)}
    wanted = Counter((r["exercise"], k) for r in records for k in r["mistakes"])
    counts_ok = shown == dict(wanted)
    result = {"records": len(records), "submissions": len({r["submission"] for r in records}),
              "report_s": statistics.median(report_s), "feedback_s": statistics.median(feedback_s),
              "html_bytes": size, "counts_ok": counts_ok}
    print(f"{result['records']} records, {result['submissions']} submissions: class report "
          f"{result['report_s']:.3f} s (target < {TARGET_S:g} s), {size / 1e6:.2f} MB (target < 2 MB); "
          f"feedback files {result['feedback_s']:.3f} s; mistake counts {'agree' if counts_ok else 'DIFFER'}.")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0 if size < TARGET_BYTES and counts_ok else 1


if __name__ == "__main__":
    sys.exit(main())
