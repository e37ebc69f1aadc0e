"""Reading a submission without running it: its files, functions and chunks, and which exercises they answer.

:mod:`.extract` finds the submissions in a class folder and takes each file's
definitions apart with :mod:`ast`; :mod:`.detect` matches the functions found
to the exercises of a profile.
"""
