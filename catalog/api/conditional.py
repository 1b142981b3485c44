"""Conditional requests for the API's class-based views: http_cache's validators and
Cache-Control on their get, and the data of a 200 answer kept until the data version moves."""

import functools

from django.conf import settings
from django.core.cache import cache
from django.utils.decorators import method_decorator
from rest_framework.response import Response

from catalog.http_cache import page_cache_key, public_read


def cached_answer(get):
    """For a DRF view's get: the data of a 200 answer is kept until the version changes (for
    PAGE_CACHE_SECONDS at most), per host and full path, so repeated reads skip the queries.
    The view's checks (throttles, parameters) still run on every request."""

    @functools.wraps(get)
    def wrapper(request, *args, **kwargs):
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
