"""The Redis cache keeps one client per connection pool."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_the_redis_client_is_made_once_and_reused():
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    cache.set("reused", 1)
    assert cache.get("reused") == 1
