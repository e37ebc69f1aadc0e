"""Judging the values a submission returned: checkers, their cases, the mistakes catalogue and the verdicts.

:mod:`.runner` runs a checker's cases (:mod:`.checkers`, :mod:`.lesson_checkers`,
:mod:`.course`, :mod:`.judges`), :mod:`.diagnose` names the mistake from the
catalogues (:mod:`.mistakes` and its neighbours), :mod:`.verdicts` turns the
result into a record, and :mod:`.profiles` says which checks an assignment has.
"""
