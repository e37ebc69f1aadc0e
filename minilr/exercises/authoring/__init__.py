"""Authoring exercise sets: the student versions of the masters with their solutions.

:mod:`.assign` strips the solutions and hidden tests from a master notebook.
"""
