"""Running a submission: the student's own contained process and the protocol it speaks.

:mod:`.processes` starts, watches and kills the students' processes;
:mod:`.worker` is the script that runs in them (never imported by minilr);
:mod:`.isolation` contains them (namespaces, Landlock, a pids cgroup) and
:mod:`.guard` keeps the reference implementations out of their reach.
"""
