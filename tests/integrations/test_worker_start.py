"""A queue worker's start: what it loaded is kept out of garbage collection."""

import gc

from django_q.signals import post_spawn


def test_a_spawned_worker_freezes_what_it_loaded():
    gc.unfreeze()
    try:
        post_spawn.send(sender="django_q", proc_name="Process-1")
        assert gc.get_freeze_count() > 10_000  # Django and the portal, at least
    finally:
        gc.unfreeze()
