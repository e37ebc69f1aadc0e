"""``python -m minilr check PATH...``: grade one student's file or a whole class, and report.

::

    python -m minilr check student.py                       # a table on stdout
    python -m minilr check submissions/ --profile ex2 --report grades.csv
    python -m minilr check submissions/ --only alice --format gradescope --report results.json

Each submission runs in its own process (:mod:`minilr.exercises.batch`);
the exit status is 0 whenever the run itself worked, whatever the students'
grades, and 2 with a one-line message on stderr when the grader was used
wrongly (an unknown profile, a malformed TOML profile, a path that does not
exist, a folder with no submissions).
"""

import argparse
import sys
from pathlib import Path

from .batch import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, grade
from .reading.extract import NoSubmissions
from .judging.profiles import BUILTIN, ProfileError
from .reporting.report import FORMATS, ReportWriter, summary, table

__all__ = ["main", "add_arguments"]


def add_arguments(parser):
    """The options of ``check``, on an argparse parser (shared with ``python -m minilr``).

    Examples
    --------
    >>> import argparse
    >>> from minilr.exercises.cli import add_arguments
    >>> parser = add_arguments(argparse.ArgumentParser())
    >>> args = parser.parse_args(["submissions/", "--profile", "ex2", "--report", "grades.csv"])
    >>> args.paths, args.profile, args.report, args.timeout, args.memory, args.strict
    (['submissions/'], 'ex2', 'grades.csv', 10.0, 2000, None)
    """
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="submissions: .py or .ipynb files, or folders of them (a subfolder is one submission)")
    parser.add_argument("--profile", help=f"assignment: {', '.join(BUILTIN)} or a course's .toml file "
                        "(default: detected per function)")
    parser.add_argument("--report", metavar="FILE", help="write the records here (default: a table on stdout)")
    parser.add_argument("--format", choices=FORMATS, help="report format (default: from the file's suffix, else json)")
    parser.add_argument("--strict", action="store_true", default=None,
                        help="score a fragile answer (overflow at extreme inputs) as a failure")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per call of a student's function (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, metavar="MB",
                        help=f"memory limit of each student's process (default: {DEFAULT_MEMORY_MB})")
    parser.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: all cores)")
    parser.add_argument("--only", metavar="NAME", help="grade only this submission (file or folder name)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _format(args):
    if args.format:
        return args.format
    return "csv" if args.report and Path(args.report).suffix == ".csv" else "json"


def run(args):
    """Grade as ``args`` say; the exit status."""
    if args.timeout <= 0 or args.memory < 300 or (args.jobs is not None and args.jobs < 1):
        print("minilr check: --timeout must be > 0, --memory at least 300 (MB: NumPy and SciPy alone take "
              "about 250 MB of address space) and --jobs at least 1.", file=sys.stderr)
        return 2
    writer = None
    try:
        if args.report:
            writer = ReportWriter(args.report, _format(args))
        records = grade(args.paths, profile=args.profile, strict=args.strict, timeout=args.timeout,
                        memory_mb=args.memory, jobs=args.jobs, only=args.only,
                        on_record=writer.add if writer else None, progress=not args.no_progress)
    except (ProfileError, FileNotFoundError, NoSubmissions) as exc:
        print(f"minilr check: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        where = f"; {writer.path} holds the {len(writer.records)} records graded so far" if writer else ""
        print(f"minilr check: interrupted{where}.", file=sys.stderr)
        return 130
    if writer:
        print(f"{summary(records)} Report: {writer.path} ({writer.fmt}).")
    else:
        print(table(records))
        print("\n" + summary(records))
    return 0


def main(argv=None):
    """``python -m minilr check`` with ``argv`` (``sys.argv[1:]`` if None); returns the exit status.

    Examples
    --------
    Grading a class is :func:`minilr.exercises.batch.grade`; here the grader is used wrongly,
    which exits with status 2 and a line on stderr:

    >>> import contextlib
    >>> import io
    >>> import tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.cli import main
    >>> with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stderr(io.StringIO()) as err:
    ...     _ = (Path(folder) / "alice.py").write_text("def sigmoid(z):\\n    return z\\n")
    ...     status = main([folder, "--only", "carol"])
    >>> status, err.getvalue()
    (2, "minilr check: no submission named 'carol'\\n")
    """
    parser = add_arguments(argparse.ArgumentParser(
        prog="python -m minilr check",
        description="Grade students' functions (one file or a class) and say what is wrong."))
    return run(parser.parse_args(argv))
