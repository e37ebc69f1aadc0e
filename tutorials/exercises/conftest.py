"""The student versions are for students: they raise NotImplementedError on purpose.

Each ``NAME_solved.ipynb`` is a master, run by nbmake like every notebook
under ``tutorials/``; its student version ``NAME.ipynb`` is generated from it
(``python -m minilr.exercises.authoring.assign tutorials/exercises``) and not collected.
tests/test_exercise_sets.py executes the student versions and checks that
every checker cell says "not implemented yet".
"""

from pathlib import Path

collect_ignore = sorted(
    p.name for p in Path(__file__).parent.glob("*.ipynb") if not p.stem.endswith("_solved")
)
