"""One django-q2 broker per process, for what enqueues on a hot path (the webhook).

`django_q.brokers.get_broker()` builds a new broker on every call, and the Redis
broker a new connection pool with it: every `async_task` opened a TCP connection
to Redis and dropped it. On the loaded 2-core machine that was 24 ms of a
webhook's 52 ms (cProfile, 50 deliveries, PostgreSQL + Redis). The broker's
Redis client is thread-safe, and made lazily, after gunicorn's fork.
"""

import functools

from django_q.brokers import Broker, get_broker


@functools.cache
def shared() -> Broker:
    return get_broker()
