"""ETag and Last-Modified for the API: one data version for the whole evidence base.

Every write to the evidence base goes through history.record or the scorer, and each bumps the
version after commit; a cold cache falls back to the newest change and snapshot in the database.
An item may say when it last changed beyond that (a model's hub facts are read without a recorded
change), or that it does not exist: then it has no validators, so no 304 stands in for its 404.
"""

import datetime
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition

CACHE_KEY = "catalog:data-version"


def data_version():
    """The moment the evidence base last changed (a timezone-aware datetime)."""
    version = cache.get(CACHE_KEY)
    if version is None:
        from catalog.models import Change, IndexEntry, IndexMatch, ScoreSnapshot

        moments = [
            Change.objects.aggregate(at=Max("at"))["at"],
            ScoreSnapshot.objects.aggregate(at=Max("computed_at"))["at"],
            # What other indexes say is on model pages and in the API too.
            IndexEntry.objects.aggregate(at=Max("imported_at"))["at"],
            IndexMatch.objects.aggregate(at=Max("matched_at"))["at"],
        ]
        version = max(
            [m for m in moments if m], default=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )
        cache.set(CACHE_KEY, version, None)
    return version


def bump_after_commit():
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def etag_of(version, request):
    # The representation depends on the data and on the exact query.
    key = f"{version.isoformat()}|{request.get_full_path()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def conditional_response(last_changed=None):
    """A view decorator: ETag and Last-Modified, and a 304 when the client's copy is current.

    `last_changed(**url_kwargs)` says when the item last changed (a datetime, at least the data
    version) or None when there is no such item; it runs once a request. Without it, the data
    version stands for every item.
    """

    def version(request, kwargs):
        # Once a request: the ETag, Last-Modified and a page cache key all ask for it.
        if not hasattr(request, "_data_version"):
            request._data_version = (
                data_version() if last_changed is None else last_changed(**kwargs)
            )
        return request._data_version

    def etag_func(request, *args, **kwargs):
        changed = version(request, kwargs)
        return None if changed is None else etag_of(changed, request)

    def last_modified_func(request, *args, **kwargs):
        return version(request, kwargs)

    return condition(etag_func=etag_func, last_modified_func=last_modified_func)


def version_of(request):
    """The version conditional_response worked out for this request, or the data version."""
    return getattr(request, "_data_version", None) or data_version()


def cached_answer(get):
    """For a DRF view's get: the data of a 200 answer is kept until the version changes (for
    PAGE_CACHE_SECONDS at most), per host and full path, so repeated reads skip the queries.
    The view's checks (throttles, parameters) still run on every request."""

    @functools.wraps(get)
    def wrapper(request, *args, **kwargs):
        from rest_framework.response import Response

        if not settings.PAGE_CACHE_SECONDS:
            return get(request, *args, **kwargs)
        where = f"{version_of(request).isoformat()}|{request.get_host()}|{request.get_full_path()}"
        key = f"api:answer:{hashlib.sha256(where.encode()).hexdigest()[:32]}"
        if (data := cache.get(key)) is not None:
            return Response(data)
        response = get(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


def conditional_get(last_changed=None, cached=True):
    """conditional_response for the get method of a class-based view, and, unless told not to,
    cached_answer inside it (so that both read the one version worked out for the request)."""

    def decorate(view):
        if cached:
            view = method_decorator(cached_answer, name="get")(view)
        return method_decorator(conditional_response(last_changed), name="get")(view)

    return decorate


def hub_facts_version():
    """The data version, or a hub read since, if later: for answers that hold hub facts, which
    a refresh updates without recording a change."""
    from catalog import selectors

    return max(filter(None, [data_version(), selectors.hub_facts_last_fetched()]))
