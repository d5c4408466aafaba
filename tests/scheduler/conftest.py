"""Fixtures of the scheduler tests: the real receivers of tests/scheduler/receivers.py."""

from receivers import hub, mailbox, webhook  # noqa: F401  (fixtures, found by name)
