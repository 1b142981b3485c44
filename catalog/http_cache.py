"""ETag, Last-Modified and Cache-Control for public reads, pages and API alike.

A public answer is a function of the data version (catalog/data_version.py), the code that renders
it, the host and the full path, and nothing else: so shared caches (the proxy, a CDN) may keep it
for SHARED_CACHE_SECONDS and revalidate it by its ETag, which names all four. An item may say when
it last changed beyond that (a model's hub facts are read without a recorded change), or that it
does not exist: then it has no validators, so no 304 stands in for its 404.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.views.decorators.http import condition

from catalog import selectors
from catalog.data_version import data_version

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


def hub_facts_version():
    """The data version, or a hub read since, if later: for answers that hold hub facts, which
    a refresh updates without recording a change."""
    return max(filter(None, [data_version(), selectors.hub_facts_last_fetched()]))


def published_model_version(slug):
    """For a model's answers, which hold its hub facts: selectors.model_version (one light query,
    whose row the answer is then read by). None when there is no such published model."""
    reads = selectors.published_model_reads(slug)
    return None if reads is None else selectors.model_version(reads)
