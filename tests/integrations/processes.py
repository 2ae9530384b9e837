"""Several worker processes at once, as django-q2 runs them: forked, sharing DB and cache."""

import multiprocessing

from django.db import connections


def run_in_processes(target, args_list, timeout=120):
    """Runs target(*args) in one forked process per args; returns the exit codes."""
    connections.close_all()  # each child opens its own connections
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_child, args=(target, args)) for args in args_list]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout)
    return [process.exitcode for process in processes]


def _child(target, args):
    try:
        target(*args)
    finally:
        connections.close_all()
