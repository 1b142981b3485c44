"""A Redis cache that fails open: when Redis is down, reads miss and writes are dropped.

Pages and the API then fall through to the database, and throttling lets requests pass, instead
of every request failing because a cache is unreachable.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


# After a failure, Redis is not tried again for this long: a request that would make several
# cache calls pays one connection timeout, not one per call.
PAUSE_AFTER_FAILURE = 5.0


def _fail_open(name, fallback):
    def method(self, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            return fallback(*args, **kwargs) if callable(fallback) else fallback
        try:
            return getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            # Shared by every thread of the process: one timeout tells them all.
            type(self)._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            logger.warning("cache unavailable, %s falls through: %s", name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool instead of making one for
    every call: a cached page costs a few cache calls, and building the client was a third of
    each call's time. redis.Redis objects are safe to share between threads."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if (client := clients.get(id(pool))) is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _paused_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_open("get", lambda key, default=None, version=None: default)
    get_many = _fail_open("get_many", {})
    set = _fail_open("set", None)
    set_many = _fail_open("set_many", [])
    add = _fail_open("add", False)
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many", None)
    touch = _fail_open("touch", False)
    has_key = _fail_open("has_key", False)
    incr = _fail_open("incr", 0)
    clear = _fail_open("clear", None)
