"""ETag, Last-Modified and Cache-Control for public reads: one data version for the whole
evidence base.

Every write to the evidence base goes through history.record or the scorer, and each bumps the
version (a one-row table) in the write's own transaction, so no write can leave it behind.
An item may say when it last changed beyond that (a model's hub facts are read without a recorded
change), or that it does not exist: then it has no validators, so no 304 stands in for its 404.

A public answer is a function of the data version, the code that renders it, the host and the
full path, and nothing else: so shared caches (the proxy, a CDN) may keep it for
SHARED_CACHE_SECONDS and revalidate it by its ETag, which names all four.
"""

import datetime
import functools
import hashlib
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition

# Before the one row exists (a database flushed by a test), the newest recorded moment stands in.
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_request_memo: ContextVar[dict | None] = ContextVar("data_version_memo", default=None)


def data_version():
    """The moment the evidence base last changed (a timezone-aware datetime).

    Read from PostgreSQL (or SQLite), where the writes are, so that it can never miss one; read
    once a request (see DataVersionPerRequest) and never kept longer.
    """
    memo = _request_memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    from catalog.models import DataVersion

    version = DataVersion.objects.values_list("changed_at", flat=True).first()
    if version is None:
        version = newest_recorded_moment()
    if memo is not None:
        memo["version"] = version
    return version


def newest_recorded_moment():
    """The newest change, score, index import or index match in the database."""
    from catalog.models import Change, IndexEntry, IndexMatch, ScoreSnapshot

    moments = [
        Change.objects.aggregate(at=Max("at"))["at"],
        ScoreSnapshot.objects.aggregate(at=Max("computed_at"))["at"],
        # What other indexes say is on model pages and in the API too.
        IndexEntry.objects.aggregate(at=Max("imported_at"))["at"],
        IndexMatch.objects.aggregate(at=Max("matched_at"))["at"],
    ]
    return max([m for m in moments if m], default=EPOCH)


def bump_data_version():
    """Move the data version on as part of the caller's transaction: it commits or rolls back
    with the write it stands for.

    On PostgreSQL the transaction files itself in catalog_dataversion_pending, and a deferred
    trigger moves the one row on when it commits: the row is locked only at commit, after every
    other lock the transaction took, so writers take turns there and cannot deadlock on it, and
    the version grows in commit order. SQLite runs one writer at a time: the row is moved at once.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_dataversion_pending (xact) "
                "VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT DO NOTHING"
            )
    else:
        from catalog.models import DataVersion

        with transaction.atomic():
            row = DataVersion.objects.select_for_update().filter(pk=1).first()
            now = timezone.now()
            if row is None:
                row = DataVersion(pk=1, changed_at=max(now, newest_recorded_moment()))
            row.changed_at = max(now, row.changed_at + datetime.timedelta(microseconds=1))
            row.save()
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


def restart_data_version():
    """After a restore into an empty database: the version is the newest moment of the restored
    rows again, as on the site the backup came from, so copies cached from it stay valid."""
    from catalog.models import DataVersion

    DataVersion.objects.update_or_create(pk=1, defaults={"changed_at": newest_recorded_moment()})
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


class DataVersionPerRequest:
    """Middleware: the data version is read at most once a request, and forgotten after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


# What renders an answer besides the data: after a deploy that changes any of these, a cache
# revalidating an old copy gets the new one rather than a 304.
CODE_DIRECTORIES = ("catalog", "openness", "templates", "static")
CODE_SUFFIXES = {".py", ".html", ".css", ".svg", ".txt"}


@functools.cache
def code_version():
    """A short digest of the code and templates that render answers, computed once a process."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for directory in CODE_DIRECTORIES:
        for path in sorted((root / directory).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "migrations" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def etag_of(version, request):
    # The representation depends on the data, the code, the host (absolute links) and the exact
    # query.
    key = f"{version.isoformat()}|{code_version()}|{request.get_host()}|{request.get_full_path()}"
    return f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def shared_cache_control():
    """The Cache-Control of every public read: kept by any cache for SHARED_CACHE_SECONDS, then
    revalidated; served stale for a while when the site is busy or down."""
    seconds = settings.SHARED_CACHE_SECONDS
    return (
        f"public, max-age={seconds}, stale-while-revalidate={seconds}, "
        f"stale-if-error={settings.STALE_IF_ERROR_SECONDS}"
    )


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


def public_read(last_changed=None):
    """A view decorator for public reads: conditional_response, and a Cache-Control that lets
    shared caches keep the answer (catalog.middleware.CachePolicyMiddleware makes it private
    again if the answer turns out personal: a CSRF token, a cookie, a token holder's request)."""
    conditional = conditional_response(last_changed)

    def decorate(view):
        checked = conditional(view)

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = checked(request, *args, **kwargs)
            response.setdefault("Cache-Control", shared_cache_control())
            return response

        return wrapper

    return decorate


def version_of(request):
    """The version conditional_response worked out for this request, or the data version."""
    return getattr(request, "_data_version", None) or data_version()


def page_cache_key(name, request):
    """Where a whole rendered answer is kept: it changes with the version, code, host and path."""
    where = f"{code_version()}|{request.get_host()}|{request.get_full_path()}"
    return f"pages:{name}:{version_of(request).isoformat()}:{hashlib.sha256(where.encode()).hexdigest()[:32]}"


def cached_answer(get):
    """For a DRF view's get: the data of a 200 answer is kept until the version changes (for
    PAGE_CACHE_SECONDS at most), per host and full path, so repeated reads skip the queries.
    The view's checks (throttles, parameters) still run on every request."""

    @functools.wraps(get)
    def wrapper(request, *args, **kwargs):
        from rest_framework.response import Response

        if not settings.PAGE_CACHE_SECONDS:
            return get(request, *args, **kwargs)
        key = page_cache_key("api", request)
        if (data := cache.get(key)) is not None:
            return Response(data)
        response = get(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


def conditional_get(last_changed=None, cached=True):
    """public_read for the get method of a class-based view, and, unless told not to,
    cached_answer inside it (so that both read the one version worked out for the request)."""

    def decorate(view):
        if cached:
            view = method_decorator(cached_answer, name="get")(view)
        return method_decorator(public_read(last_changed), name="get")(view)

    return decorate


def hub_facts_version():
    """The data version, or a hub read since, if later: for answers that hold hub facts, which
    a refresh updates without recording a change."""
    from catalog import selectors

    return max(filter(None, [data_version(), selectors.hub_facts_last_fetched()]))


def published_model_version(slug):
    """For a model's answers, which hold its hub facts: the data version, or a hub read of it
    since, if later. None when there is no such published model."""
    from catalog import selectors

    found = selectors.published_model_hub_reads(slug)
    if found is None:
        return None
    return max(filter(None, [data_version(), found["last_fetched"]]))
