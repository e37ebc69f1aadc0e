"""Reporting a graded class: the table, the summary and the report files.

:mod:`.report` writes the records as JSON, CSV, Gradescope's ``results.json``
or the class report; :mod:`.gradesfile` is the JSON report's header and
reading it back; :mod:`.summary` counts verdicts, mistakes and errors;
:mod:`.classreport` (with :mod:`.charts`) is the class report in HTML;
:mod:`.feedback` the files for each student; :mod:`.gradescope` Gradescope's
``results.json`` and :mod:`.autograder` its autograder zip.
"""
