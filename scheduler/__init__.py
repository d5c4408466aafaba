"""The monitor: the daemon (daemon.py) schedules one check per source (jobs.py) and delivers
the alert outbox through apprise (alerts.py)."""
