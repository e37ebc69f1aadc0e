"""Running a submission: the student's own contained process and the protocol it speaks.

:mod:`.processes` starts, watches and kills the students' processes;
:mod:`.worker` is the script that runs in them (never imported by minilr).
"""
