"""Reporting a graded class: tables and files of records, the class report, feedback, Gradescope."""
