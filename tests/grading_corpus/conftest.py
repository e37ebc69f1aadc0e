"""The grading corpus is data: students' submissions, graded by tests/test_grading_corpus.py.

Its notebooks have failing cells on purpose (a missing data file, the course's
``utils``), so neither pytest nor nbmake may collect anything here.
"""

collect_ignore_glob = ["*"]
