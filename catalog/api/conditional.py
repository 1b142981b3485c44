"""ETag and Last-Modified for the API: one data version for the whole evidence base.

Every write to the evidence base goes through history.record or the scorer, and each bumps the
version after commit; a cold cache falls back to the newest change and snapshot in the database.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

CACHE_KEY = "catalog:data-version"


def data_version():
    """The moment the evidence base last changed (a timezone-aware datetime)."""
    version = cache.get(CACHE_KEY)
    if version is None:
        from catalog.models import Change, ScoreSnapshot

        moments = [
            Change.objects.aggregate(at=Max("at"))["at"],
            ScoreSnapshot.objects.aggregate(at=Max("computed_at"))["at"],
        ]
        version = max(
            [m for m in moments if m], default=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )
        cache.set(CACHE_KEY, version, None)
    return version


def bump_after_commit():
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def last_modified(request, *args, **kwargs):
    return data_version()


def etag(request, *args, **kwargs):
    # The representation depends on the data and on the exact query.
    key = f"{data_version().isoformat()}|{request.get_full_path()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]
