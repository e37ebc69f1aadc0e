"""Reporting a graded class: the table, the summary and the report files.

:mod:`.report` writes the records as JSON, CSV or Gradescope's ``results.json``.
"""
