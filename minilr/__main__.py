"""Command line: ``demo``, ``check`` (grading), ``report``, ``autograder`` (Gradescope) and ``exercises build``.

``python -m minilr report grades.json --html class.html`` summarises a class graded earlier;
``python -m minilr autograder gradescope --profile P -o autograder.zip`` builds Gradescope's zip.

``python -m minilr exercises build [DIR] [--check]`` writes the student versions of the exercise sets.
"""

import argparse
import sys


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m minilr",
        description="minilr: logistic regression and small neural networks from scratch in NumPy.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="train every model on the bundled data, print a table and save the figures",
        description="Train logistic regression (breast cancer), one-vs-all and softmax "
        "regression and an MLP (digits) on the bundled data; print a table and write "
        "the main figures as PNG files.",
    )
    demo.add_argument("--out", default="minilr-demo", help="folder for the figures (default: ./minilr-demo/)")
    demo.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    check = commands.add_parser(
        "check",
        help="grade students' functions (a file or a class of submissions) and say what is wrong",
        description="Grade students' functions (one file, or folders of .py/.ipynb submissions, each in "
        "its own process) against an assignment profile, and say what is wrong.",
    )
    from .exercises.cli import add_arguments

    add_arguments(check)
    report = commands.add_parser(
        "report", help="the class report (HTML) and feedback files from a JSON report of `check`",
        description="Summarise a class graded earlier (a JSON report of `python -m minilr check`) without "
        "grading it again: the class report as one HTML file, each student's feedback, what changed.")
    from .exercises.cli import add_autograder_arguments, add_report_arguments

    add_report_arguments(report)
    autograder = commands.add_parser(
        "autograder", help="build Gradescope's autograder zip (or run inside it)",
        description="Gradescope's autograder: `autograder gradescope --profile P -o autograder.zip` builds the zip.")
    add_autograder_arguments(autograder)
    exercises = commands.add_parser("exercises", help="the exercise sets: build the student versions",
                                    description="The exercise sets of tutorials/exercises/.")
    steps = exercises.add_subparsers(dest="step", metavar="STEP", required=True)
    build = steps.add_parser(
        "build", help="write each master notebook's student version (solutions stubbed, hidden tests removed)",
        description="Write the student version of each master notebook (NAME_solved.ipynb) next to it: "
        "solutions replaced by `raise NotImplementedError`, hidden tests removed, outputs cleared.")
    build.add_argument("paths", nargs="*", default=["tutorials/exercises"], metavar="DIR",
                       help="master notebooks or folders of them (default: tutorials/exercises)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 if a student version is out of date")
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "demo":
            from .demo import run_demo

            run_demo(out=args.out, progress=not args.no_progress)
            return 0
        if args.command == "exercises":
            from .exercises.authoring.assign import main as build

            return build([*args.paths, *(["--check"] if args.check else [])])
        if args.command == "report":
            from .exercises.cli import run_report

            return run_report(args)
        if args.command == "autograder":
            from .exercises.cli import run_autograder

            return run_autograder(args)
        from .exercises.cli import run as run_check

        return run_check(args)
    except (FileNotFoundError, ImportError, ValueError) as exc:
        print(f"minilr {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
