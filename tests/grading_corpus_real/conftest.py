"""The real-pattern grading corpus is data: students' submissions, graded by tests/test_grading_corpus_real.py.

Its scripts open data files that are not here, import modules that are not
installed, and one holds a Python 2 ``print`` statement, all on purpose; its
notebooks call the course's helper module. Neither pytest, nbmake nor doctest
may collect anything here.
"""

collect_ignore_glob = ["*"]
