"""Reading a submission without running it: its files, functions and chunks, and which exercises they answer.

:mod:`.extract` finds the submissions in a class folder and reads each file;
:mod:`.chunks` reads a file like a notebook (the statements its functions
need, never the script around them); :mod:`.detect` matches the functions found
to the exercises of a profile.
"""
