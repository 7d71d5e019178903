"""Long work outside the request (issue 16): the engine (engine.py), one worker per job and recovery from a dead one
(rows.py), time limits (limits.py), other long jobs (background.py), the tasks (tasks.py), the daily and monthly
runs (schedule.py) and the `flask worker` command (worker.py). docs/jobs-and-files.md explains the choices."""
