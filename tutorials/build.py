"""Rebuild the notebooks from their jupytext sources: sync the cells, then run them in place.

Each lesson is a percent-format script, ``tutorials/NN_name.py`` (Jupyter with
jupytext opens it as a notebook); ``NN_name.ipynb`` beside it holds the same
cells with their outputs, committed so that the lesson reads well unexecuted.
(The exercise sets in ``exercises/`` are generated from their master notebooks
by ``python -m minilr.exercises.authoring.assign`` instead.)

Usage::

    python tutorials/build.py                # every lesson: sync, run, write
    python tutorials/build.py 01 04          # only those whose name starts so
    python tutorials/build.py --no-execute   # sync the cells only, keep the outputs

Lessons run with the ``python3`` kernel of the Python that runs this script,
with ``tutorials/`` as working directory.
"""

import argparse
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def sources():
    """The lessons' jupytext sources, in order."""
    return sorted(HERE.glob("[0-9][0-9]_*.py"))


def build(source, execute=True):
    """Write ``source``'s notebook; outputs are kept for unchanged cells, or recomputed."""
    target = source.with_suffix(".ipynb")
    nb = jupytext.read(source)
    if target.exists():  # what jupytext --update does: the text from the .py, the rest from the .ipynb
        nb = combine_inputs_with_outputs(nb, nbformat.read(target, as_version=4))
    else:  # a new notebook: the pairing is kept, the .py's own format details are not
        nb.metadata.get("jupytext", {}).pop("text_representation", None)
    if execute:
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(source.parent)}}).execute()
    nbformat.validate(nb)
    nbformat.write(nb, target)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="prefixes of the lessons to build (default: all)")
    parser.add_argument("--no-execute", action="store_true",
                        help="only sync the cells from the .py sources; do not run anything")
    args = parser.parse_args(argv)
    chosen = [s for s in sources() if not args.names or any(s.stem.startswith(p) for p in args.names)]
    if not chosen:
        parser.error(f"no lesson matches {args.names}; lessons: {[s.stem for s in sources()]}")
    for source in chosen:
        start = time.perf_counter()
        target = build(source, execute=not args.no_execute)
        ran = "" if args.no_execute else f" (ran in {time.perf_counter() - start:.1f} s)"
        print(f"wrote {target.relative_to(HERE.parent)}{ran}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
