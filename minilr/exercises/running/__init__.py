"""Running a submission: the student's own contained process and the protocol it speaks.

:mod:`.staging` copies each submission into a private scratch folder with
the course's support files beside it; :mod:`.processes` starts, watches and
kills the students' processes there; :mod:`.worker` is the script that runs
in them (never imported by minilr).
"""
