"""What the public pages share: public_page (conditional requests answered with the API's
ETag and Last-Modified, and shared caches allowed to keep the page), kept_whole (the busiest
pages, the directory and the model pages, kept whole in the cache, keyed by their version and
the full query string), the page size of paged lists and the component groups' sizes."""

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from catalog import components, http_cache

PAGE_SIZE = 50

public_page = http_cache.public_read()


def kept_whole(view):
    """Keep a page's 200 answer in the cache until its version changes (PAGE_CACHE_SECONDS at
    most), per host and full path: repeated reads skip the queries and the rendering. Goes
    inside public_read, which works out the version."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        key = http_cache.page_cache_key(view.__name__, request) if seconds else None
        if key and (body := cache.get(key)) is not None:
            return HttpResponse(body)
        response = view(request, *args, **kwargs)
        if key and response.status_code == 200:
            cache.set(key, response.content, seconds)
        return response

    return wrapper


def group_sizes():
    """Each component group's name and how many components it holds."""
    return [(components.GROUP_NAMES[g], len(components.in_group(g))) for g in components.GROUPS]
