"""``python -m minilr check PATH...``: grade one student's file or a whole class, and report.

::

    python -m minilr check student.py                       # a table on stdout
    python -m minilr check submissions/ --profile ex2 --report grades.csv
    python -m minilr check submissions/ --only alice --format gradescope --report results.json
    python -m minilr check submissions/ --profile ex2 --report class.html --feedback feedback/
    python -m minilr check submissions/ --profile ex2 --report grades.json --compare old.json
    python -m minilr report grades.json --html class.html           # the class report from a JSON report
    python -m minilr autograder gradescope --profile ex2 -o autograder.zip
    python -m minilr check ex3/ --profile ex3 --support course/utils.py course/Data

Each submission runs in its own process (:mod:`minilr.exercises.batch`);
the exit status is 0 whenever the run itself worked, whatever the students'
grades, and 2 with a one-line message on stderr when the grader was used
wrongly (an unknown profile, a malformed TOML profile, a path that does not
exist, a folder with no submissions, a report that cannot be written, an
earlier report of another minilr version or another profile, a support
file that does not exist or does not parse).
"""

import argparse
import sys
from pathlib import Path

from .batch import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, grade
from .judging.profiles import BUILTIN, ProfileError, load_profile
from .reading.extract import NoSubmissions
from .reporting.feedback import write_feedback
from .reporting.gradescope import VISIBILITIES
from .reporting.gradesfile import ReportFileError, changes, describe_change, metadata, read_report
from .reporting.report import FORMATS, ReportWriter, summary, table
from .running.staging import SupportError, check_support

__all__ = ["main", "add_arguments", "add_report_arguments", "add_autograder_arguments"]


def add_arguments(parser):
    """The options of ``check``, on an argparse parser (shared with ``python -m minilr``).

    Examples
    --------
    >>> import argparse
    >>> from minilr.exercises.cli import add_arguments
    >>> parser = add_arguments(argparse.ArgumentParser())
    >>> args = parser.parse_args(["submissions/", "--profile", "ex2", "--report", "grades.csv"])
    >>> args.paths, args.profile, args.report, args.timeout, args.memory, args.strict, args.support
    (['submissions/'], 'ex2', 'grades.csv', 10.0, 2000, None, [])
    """
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="submissions: .py or .ipynb files, or folders of them (a subfolder is one submission)")
    parser.add_argument("--profile", help=f"assignment: {', '.join(BUILTIN)} or a course's .toml file "
                        "(default: detected per function)")
    parser.add_argument("--support", nargs="+", action="extend", default=[], metavar="PATH",
                        help="the course's files (its utils.py, data files or folders), placed read-only beside "
                        "every submission before it is loaded")
    parser.add_argument("--report", metavar="FILE", help="write the records here (default: a table on stdout)")
    parser.add_argument("--format", choices=FORMATS,
                        help="report format (default: from the file's suffix: .csv, .html, else json)")
    parser.add_argument("--feedback", metavar="DIR", help="write each submission's feedback here (.md and .html)")
    parser.add_argument("--compare", metavar="OLD.json",
                        help="an earlier JSON report of the same profile: print and report what changed")
    parser.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                        help="Gradescope tests' visibility (default: visible)")
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
    suffix = Path(args.report).suffix.lower() if args.report else ""
    return {".csv": "csv", ".html": "html", ".htm": "html"}.get(suffix, "json")


def _cannot_write(path, exc):
    return f"cannot write {path}: {exc.strerror or exc} (choose a folder you can write to)"


def _earlier(path, profile):
    """The records of an earlier report to compare with, refused if another profile graded it."""
    meta, records = read_report(path)
    if meta.get("profile") != profile:
        raise ReportFileError(f"{path} was graded with profile {meta.get('profile') or '(detected per function)'}, "
                              f"this run with {profile or '(detected per function)'}: compare reports of one profile.")
    return records


def _print_changes(changed):
    print(f"{len(changed)} changed since the earlier report" + (":" if changed else "."))
    for c in changed:
        print("  " + describe_change(c))


def run(args):
    """Grade as ``args`` say; the exit status."""
    if args.timeout <= 0 or args.memory < 300 or (args.jobs is not None and args.jobs < 1):
        print("minilr check: --timeout must be > 0, --memory at least 300 (MB: NumPy and SciPy alone take "
              "about 250 MB of address space) and --jobs at least 1.", file=sys.stderr)
        return 2
    writer, old, target = None, None, None
    try:
        check_support(args.support)  # before a report file is started
        name = load_profile(args.profile).name if args.profile is not None else None
        if args.compare:
            old = _earlier(args.compare, name)
        options = {"strict": args.strict, "timeout": args.timeout, "memory_mb": args.memory}
        if args.feedback:
            target = args.feedback
            Path(args.feedback).mkdir(parents=True, exist_ok=True)
        if args.report:
            target = args.report
            writer = ReportWriter(args.report, _format(args), metadata(name, options), visibility=args.visibility)
        target = None
        records = grade(args.paths, profile=args.profile, strict=args.strict, timeout=args.timeout,
                        memory_mb=args.memory, jobs=args.jobs, only=args.only,
                        on_record=writer.add if writer else None, progress=not args.no_progress,
                        support=args.support)
        changed = changes(old, records) if old is not None else None
        feedback = None
        if args.feedback:
            target = args.feedback
            stems = write_feedback(records, args.feedback)
            feedback = {k: str(Path(args.feedback) / v) for k, v in stems.items()}
        if writer and (changed is not None or feedback):
            target = args.report
            writer.finish(changed, feedback)
    except OSError as exc:  # FileNotFoundError for a missing submission, or an output that cannot be written
        print(f"minilr check: {_cannot_write(target, exc) if target else exc}", file=sys.stderr)
        return 2
    except (ProfileError, NoSubmissions, ReportFileError, SupportError) as exc:
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
    if args.feedback:
        print(f"Feedback: {len(feedback)} submissions in {args.feedback}/ (.md and .html).")
    if changed is not None:
        _print_changes(changed)
    return 0


def add_report_arguments(parser):
    """The options of ``python -m minilr report``: the class report from an earlier JSON report.

    Examples
    --------
    >>> import argparse
    >>> from minilr.exercises.cli import add_report_arguments
    >>> args = add_report_arguments(argparse.ArgumentParser()).parse_args(["grades.json", "--html", "class.html"])
    >>> args.report, args.html, args.feedback
    ('grades.json', 'class.html', None)
    """
    parser.add_argument("report", metavar="GRADES.json", help="a JSON report of `python -m minilr check`")
    parser.add_argument("--html", metavar="FILE", help="write the class report here")
    parser.add_argument("--feedback", metavar="DIR", help="write each submission's feedback here (.md and .html)")
    parser.add_argument("--compare", metavar="OLD.json", help="an earlier JSON report of the same profile")
    return parser


def run_report(args):
    """``python -m minilr report``: the exit status."""
    from .reporting.classreport import write_class_report

    try:
        meta, records = read_report(args.report)
        changed = changes(_earlier(args.compare, meta.get("profile")), records) if args.compare else None
    except (FileNotFoundError, ReportFileError) as exc:
        print(f"minilr report: {exc}", file=sys.stderr)
        return 2
    target, feedback = None, None
    try:
        if args.feedback:
            target = args.feedback
            stems = write_feedback(records, args.feedback)
            feedback = {k: str(Path(args.feedback) / v) for k, v in stems.items()}
        if args.html:
            target = args.html
            write_class_report(args.html, records, meta, changed=changed, feedback=feedback)
    except OSError as exc:
        print(f"minilr report: {_cannot_write(target, exc)}", file=sys.stderr)
        return 2
    print(summary(records) + (f" Class report: {args.html}." if args.html else ""))
    if feedback:
        print(f"Feedback: {len(feedback)} submissions in {args.feedback}/ (.md and .html).")
    if changed is not None:
        _print_changes(changed)
    return 0


def add_autograder_arguments(parser):
    """The options of ``python -m minilr autograder``: build Gradescope's zip, or run inside it.

    Examples
    --------
    >>> import argparse
    >>> from minilr.exercises.cli import add_autograder_arguments
    >>> args = add_autograder_arguments(argparse.ArgumentParser()).parse_args(
    ...     ["gradescope", "--profile", "ex2", "-o", "autograder.zip"])
    >>> args.step, args.profile, args.output, args.support
    ('gradescope', 'ex2', 'autograder.zip', [])
    """
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)
    build = steps.add_parser("gradescope", help="build the autograder zip Gradescope asks for",
                             description="Write Gradescope's autograder zip: setup.sh (installs minilr from a wheel "
                             "inside the zip), run_autograder, the profile and the support files.")
    build.add_argument("--profile", required=True, help=f"assignment: {', '.join(BUILTIN)} or a course's .toml file")
    build.add_argument("--support", nargs="*", default=[], metavar="PATH",
                       help="files or folders put next to each student's files (e.g. the course's utils.py)")
    build.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                       help="each test's visibility on Gradescope (default: visible)")
    build.add_argument("--timeout", type=float, default=None, help="seconds per call of a student's function")
    build.add_argument("--memory", type=int, default=None, metavar="MB", help="memory limit of the student's process")
    build.add_argument("--wheel", metavar="PATH", help="minilr's wheel (default: built from this checkout)")
    build.add_argument("-o", "--output", default="autograder.zip", help="the zip (default: autograder.zip)")
    inside = steps.add_parser("run", help="grade /autograder/submission (what run_autograder calls)",
                              description="Grade ROOT/submission as one submission and write "
                              "ROOT/results/results.json, with the settings in ROOT/source.")
    inside.add_argument("--root", default="/autograder", help="Gradescope's folder (default: /autograder)")
    return parser


def run_autograder(args):
    """``python -m minilr autograder``: the exit status."""
    from .reporting.autograder import AutograderError, build_zip

    if args.step == "run":
        return _grade_on_gradescope(args.root)
    try:
        names = build_zip(args.output, args.profile, support=args.support, visibility=args.visibility,
                          timeout=args.timeout, memory_mb=args.memory, wheel=args.wheel)
    except (AutograderError, ProfileError, FileNotFoundError) as exc:
        print(f"minilr autograder: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"minilr autograder: {_cannot_write(args.output, exc)}", file=sys.stderr)
        return 2
    print(f"{args.output}: {len(names)} files ({', '.join(n for n in names if '/' not in n)}, ...). "
          "Upload it as the assignment's autograder on Gradescope.")
    return 0


def _grade_on_gradescope(root):
    """Grade ``ROOT/submission`` as one submission; write ``ROOT/results/results.json`` whatever happens."""
    import json
    import time

    from .batch import grade_one
    from .reporting.autograder import gather

    started = time.monotonic()
    results = Path(root) / "results"
    results.mkdir(parents=True, exist_ok=True)
    with gather(root) as (submission, settings):
        if submission is None:
            out = {"score": 0.0, "execution_time": 1, "output_format": "md", "tests": [],
                   "output": "No `.py` or `.ipynb` file was found in your submission: upload your notebook "
                   "or your Python file."}
        else:
            from .reporting.gradescope import results_json

            options = {k: settings[k] for k in ("timeout", "memory_mb") if settings.get(k)}
            records = grade_one(submission, settings["profile"], support=settings["support"], **options)
            out = results_json(records, visibility=settings["visibility"], execution_time=time.monotonic() - started)
    (results / "results.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"minilr: {out['score']:g} points; results in {results / 'results.json'}")
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
