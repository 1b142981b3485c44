"""Security limits: how many times one client or account may try something in a window.

The admin's sign-in lockout and the readers' correction limit both count here, in the database:
a limit kept in the cache would be off while Redis is down and cleared by every restart. Both
find the client the same way, as the API's throttle does (NUM_PROXIES).
"""

import datetime

from django.db import connection
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from catalog.models import RateCounter


def client_address(request):
    """The client's address: REMOTE_ADDR, or with NUM_PROXIES set, the address that many hops
    from the right of X-Forwarded-For (DRF's rule, so every limit sees the same client).
    Behind a proxy REMOTE_ADDR is the proxy: counting it would let anyone lock everyone out."""
    return BaseThrottle().get_ident(request) or ""


def hit(key, window_seconds, *, now=None):
    """Count one attempt under `key` and return the count in its window, which opens at the
    first attempt and lasts `window_seconds`. One statement, so attempts at once all count."""
    now = now or timezone.now()
    RateCounter.objects.filter(expires_at__lte=now).delete()
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_column, count, expires = (
        connection.ops.quote_name(c) for c in ("key", "count", "expires_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count}, {expires}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{expires} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
            f"{expires} = CASE WHEN {table}.{expires} <= %s THEN EXCLUDED.{expires} "
            f"ELSE {table}.{expires} END "
            f"RETURNING {count}",
            [key, now + datetime.timedelta(seconds=window_seconds), now, now],
        )
        return cursor.fetchone()[0]


def count(key, *, now=None):
    """The attempts counted under `key` in its current window (0 once it has expired)."""
    now = now or timezone.now()
    found = RateCounter.objects.filter(key=key, expires_at__gt=now).values_list("count", flat=True)
    return found.first() or 0


def clear(key):
    RateCounter.objects.filter(key=key).delete()
