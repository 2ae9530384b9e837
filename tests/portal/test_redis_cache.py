"""The Redis cache keeps one client a server: shared by the threads of a web worker, it
still gives each caller its own answer (one `add` of a key wins, however many race)."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="the cache is Redis only with REDIS_URL"
)

KEY = "test-redis-cache-race"


def test_of_many_threads_adding_one_key_at_once_exactly_one_wins():
    cache.delete(KEY)
    start, won = threading.Barrier(16), []

    def add(n):
        start.wait()
        if cache.add(KEY, n, 30):
            won.append(n)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(won) == 1
    assert cache.get(KEY) == won[0]
    cache.delete(KEY)


def test_the_client_is_made_once_and_kept():
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
