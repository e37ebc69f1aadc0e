"""The unsolved exercise notebook is for students: its checker cells say FAIL on purpose.

nbmake runs only the solved notebook; tests/test_exercises.py executes the
unsolved one and checks that its checkers give the intended diagnoses.
"""

collect_ignore = ["logistic_regression_exercises.ipynb"]
