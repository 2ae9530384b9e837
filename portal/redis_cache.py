"""Django's Redis cache with one client a server, kept, rather than one a call.

Django's RedisCacheClient builds a redis.Redis at every call (get_client), and
redis-py's constructor copies its table of response callbacks: in the webhook's
answer the one `cache.add` that queues a drain took 27% of the CPU (in-process,
PostgreSQL + Redis), most of it that construction. A redis.Redis may be shared by
threads (each command takes a connection of its pool, which a forked process
replaces), so one is made for each server's pool and kept.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class ClientPerServer(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ClientPerServer
