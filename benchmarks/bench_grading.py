"""Grading a class: 200 generated .py submissions across the profiles, graded with two jobs.

Usage::

    python benchmarks/bench_grading.py [--n 200] [--jobs 2] [--course] [--json FILE]

Prints the total seconds (target: under 120 s for 200 submissions with
``--jobs 2`` on the 2-core machine), the start-up of one student's process
(forked from the warm zygote, and for comparison a fresh ``python -I``
with NumPy; loading a submission that defines nothing; median of 10) and the median seconds per submission (each graded in
its own process, measured around :func:`minilr.exercises.batch.grade_submission`).
Exits 1 if a generated submission is not graded as it was written to be.

With ``--course`` the class arrives as scripts: each imports the course's
``utils`` (passed with ``--support``; it imports ``matplotlib.pyplot``, as the
course's does) and loads a data file, plots and grades at its top level,
which reading each file like a notebook never runs.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minilr.exercises import batch
from minilr.exercises.running import processes  # noqa: E402

TARGET_S = 120.0

STABLE = "import numpy as np\nfrom scipy.special import expit, log_expit\n"
TEXTBOOK = "import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"

# profile -> (source, expected verdict of every graded function), one of each kind of student.
TEMPLATES = {
    "minilr-stable": (STABLE + '''
def sigmoid(z):
    return expit(z)

def cost(theta, X, y, lam):
    z = X @ theta
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + lam / (2 * len(y)) * np.sum(theta[1:] ** 2)

def gradient(theta, X, y, lam):
    g = X.T @ (expit(X @ theta) - y) / len(y)
    g[1:] += lam / len(y) * theta[1:]
    return g
''', {"pass", "missing"}),
    "lesson-bias": (STABLE + '''
def sigmoid(z):
    return expit(z)

def regularized_cost(Theta, X, y, l):
    z = X @ Theta
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + l / (2 * len(y)) * np.sum(Theta ** 2)

def predict(X, All_Theta):
    return np.argmax(X @ All_Theta.T, axis=1) + 1
''', {"pass", "fail", "missing"}),
    "ex2-textbook": (TEXTBOOK + '''
def costFunction(theta, X, y):
    m = y.size
    h = sigmoid(X @ theta)
    return -(y @ np.log(h) + (1 - y) @ np.log(1 - h)) / m, X.T @ (h - y) / m

def predict(theta, X):
    return (sigmoid(X @ theta) >= 0.5).astype(int)

def costFunctionReg(theta, X, y, lambda_):
    J, grad = costFunction(theta, X, y)
    temp = theta.copy()
    temp[0] = 0
    return J + lambda_ / (2 * y.size) * np.sum(temp ** 2), grad + lambda_ / y.size * temp
''', {"fragile", "pass"}),  # predict is right: the overflow at |z| = 1000 is its sigmoid's
    "ex3-ova": (STABLE + '''from scipy import optimize

def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    y = y * 1.0
    z = X @ theta
    temp = theta.copy()
    temp[0] = 0
    J = -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z)) + lambda_ / (2 * m) * np.sum(temp ** 2)
    return J, X.T @ (expit(z) - y) / m + lambda_ / m * temp

def oneVsAll(X, y, num_labels, lambda_):
    X = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    return np.array([optimize.minimize(lrCostFunction, np.zeros(X.shape[1]), (X, y == c, lambda_), jac=True,
                                       method="TNC").x for c in range(num_labels)])

def predictOneVsAll(all_theta, X):
    return np.argmax(np.concatenate([np.ones((X.shape[0], 1)), X], axis=1) @ all_theta.T, axis=1)
''', {"pass", "missing"}),
    "ex4-zeros": (STABLE + '''
def sigmoidGradient(z):
    return expit(z) * (1 - expit(z))

def randInitializeWeights(L_in, L_out, epsilon_init=0.12):
    return np.zeros((L_out, 1 + L_in))
''', {"pass", "fail", "missing"}),
}


# The course's helper module as the benchmark's --course passes it, and a script's top level.
COURSE_UTILS = """import numpy as np
from matplotlib import pyplot


class Grader:
    def __setitem__(self, part, function):
        pass

    def grade(self):
        pass
"""
HEAD = "import utils\ngrader = utils.Grader()\n"
TAIL = """
data = np.loadtxt('ex2data1.txt', delimiter=',')
import matplotlib.pyplot as plt
plt.scatter(data[:, 0], data[:, 1])
plt.show()
grader[1] = sigmoid
grader.grade()
"""


def generate(folder, n, course=False):
    """``n`` submissions cycling through the templates; ``{file name: allowed verdicts}``."""
    expected = {}
    kinds = list(TEMPLATES)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        source, verdicts = TEMPLATES[kind]
        name = f"student_{i:03d}_{kind}.py"
        if course:
            source = HEAD + source + TAIL
        (folder / name).write_text(f"# student {i}\n" + source)
        expected[name] = verdicts
    return expected


def startup(folder, zygote=None, repeats=10):
    """Median seconds until a student's process has loaded a file defining nothing, and ended."""
    empty = folder / "empty_submission.py"
    empty.write_text("x = 1\n")
    sf = batch.read_file(empty)
    times = []
    for _ in range(repeats):
        job = batch._job([sf], [], 1.0, batch.DEFAULT_MEMORY_MB, 10.0)
        start = time.perf_counter()
        events = list(processes.run_worker(job, 1.0, 10.0, zygote))
        times.append(time.perf_counter() - start)
        assert events[-1]["event"] == "end", events
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--course", action="store_true",
                        help="scripts importing the course's utils (given with --support) with a top level to skip")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    per_submission = []
    original = batch.grade_submission

    def timed(*a, **k):
        start = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            per_submission.append(time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        fresh_s = startup(scratch)
        zygote = processes.Zygote()
        try:
            start_s = startup(scratch, zygote)
        finally:
            zygote.close()
        folder = Path(tmp) / "class"
        folder.mkdir()
        expected = generate(folder, args.n, args.course)
        support = []
        if args.course:
            support = [Path(tmp) / "utils.py"]
            support[0].write_text(COURSE_UTILS)
        batch.grade_submission = timed
        try:
            start = time.perf_counter()
            records = batch.grade([folder], jobs=args.jobs, progress=False, support=support)
            total = time.perf_counter() - start
        finally:
            batch.grade_submission = original
    wrong = sorted({r["submission"] for r in records if r["verdict"] not in expected[r["submission"]]})
    result = {"submissions": args.n, "jobs": args.jobs, "course": args.course, "total_s": round(total, 2),
              "process_startup_s": round(start_s, 3), "fresh_interpreter_startup_s": round(fresh_s, 3), "median_per_submission_s": round(statistics.median(per_submission), 3),
              "records": len(records), "target_s": TARGET_S, "target_met": total < TARGET_S, "misgraded": wrong}
    print(f"{args.n} submissions{' (--course)' if args.course else ''}, --jobs {args.jobs}: {total:.1f} s in total (target < {TARGET_S:g} s: "
          f"{'met' if total < TARGET_S else 'MISSED'}); one student's process starts in {start_s:.3f} s "
          f"(forked; a fresh interpreter: {fresh_s:.3f} s); "
          f"median {result['median_per_submission_s']:.3f} s per submission; {len(records)} records.")
    if wrong:
        print(f"MISGRADED: {wrong[:5]}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
