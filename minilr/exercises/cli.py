"""``python -m minilr check student.py``: run every checker that fits a student's file.

The file is imported by path (so only what Python runs at import runs; an
``if __name__ == "__main__":`` block does not) and each exercise is checked
if the file defines a function under one of its names:

======================  ==============================================
exercise                function names looked for, in this order
======================  ==============================================
sigmoid                 ``sigmoid``
cost                    ``cost``, ``compute_cost``, ``cost_function``
gradient                ``gradient``, ``compute_gradient``
gradient_descent_step   ``gradient_descent_step``
predict_one_vs_all      ``predict_one_vs_all``
backprop                ``backprop``
softmax                 ``softmax``
======================  ==============================================

The signatures are those of :mod:`minilr.exercises.checkers`.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

from .checkers import CHECKERS

__all__ = ["main", "FUNCTION_NAMES", "find_functions", "import_student_file"]

FUNCTION_NAMES = {
    "sigmoid": ("sigmoid",),
    "cost": ("cost", "compute_cost", "cost_function"),
    "gradient": ("gradient", "compute_gradient"),
    "gradient_descent_step": ("gradient_descent_step",),
    "predict_one_vs_all": ("predict_one_vs_all",),
    "backprop": ("backprop",),
    "softmax": ("softmax",),
}


def import_student_file(path):
    """Import a ``.py`` file by path, as a module of its own.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    module
        Its folder is on ``sys.path`` during the import only, so the file
        can import a helper module next to it.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    name = f"minilr_student_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as a normal import does: dataclasses and pickle look there
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        sys.path.remove(str(path.parent))
    return module


def find_functions(module):
    """``{exercise: (function name, function)}`` for the exercises the module implements."""
    found = {}
    for exercise, names in FUNCTION_NAMES.items():
        for name in names:
            fn = getattr(module, name, None)
            if callable(fn):
                found[exercise] = (name, fn)
                break
    return found


def _table(rows):
    """Rows of (exercise, function, result, mistakes) as aligned text."""
    header = ("exercise", "function", "result", "diagnosis")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3])
    return "\n".join(lines)


def main(argv=None):
    """Check a student's file: one table row per exercise found, then the diagnoses.

    Parameters
    ----------
    argv : list of str, optional
        ``[path]`` and optionally ``--timeout SECONDS`` (per call, default
        10); ``sys.argv[1:]`` if None.

    Returns
    -------
    int
        0 if every exercise found passed; 1 if one failed, none was found,
        or the file could not be imported.
    """
    parser = argparse.ArgumentParser(
        prog="python -m minilr check",
        description="Check a student's functions against minilr and say what is wrong.",
    )
    parser.add_argument("path", help="the student's .py file")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per call (default: 10)")
    args = parser.parse_args(argv)
    try:
        module = import_student_file(args.path)
    except BaseException as exc:  # noqa: BLE001 - a student's file may even call sys.exit()
        print(f"minilr check: could not import {args.path}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    found = find_functions(module)
    if not found:
        names = ", ".join(n for names in FUNCTION_NAMES.values() for n in names)
        print(f"minilr check: {args.path} defines none of the exercise functions ({names}).")
        return 1
    rows, details = [], []
    for exercise, (name, fn) in found.items():
        result = CHECKERS[exercise](fn, timeout=args.timeout)
        where = getattr(fn, "__module__", module.__name__)
        label = name if where == module.__name__ else f"{name} (from {where})"
        rows.append((exercise, label, "PASS" if result.passed else "FAIL", ", ".join(result.mistakes)))
        if not result.passed:
            details.append(f"{exercise}: {result.diagnosis}")
    print(_table(rows))
    if details:
        print("\n" + "\n\n".join(details))
    passed = sum(r[2] == "PASS" for r in rows)
    print(f"\n{passed} of {len(rows)} exercises passed.")
    return 0 if passed == len(rows) else 1
