"""Admin logins: a few failures are allowed, then the address and the account are locked out.

Counted in the cache (Redis in a deployment), per client address and per username, so that
guessing passwords for one account from many addresses is stopped as well. The client's address
is found as the API's throttle finds it (NUM_PROXIES): behind a proxy REMOTE_ADDR is the proxy,
and counting failures on it would let anyone lock every curator out.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def client_address(request):
    """The client's address: REMOTE_ADDR, or with NUM_PROXIES set, the address that many hops
    from the right of X-Forwarded-For (DRF's rule, so both throttles see the same client)."""
    return BaseThrottle().get_ident(request) or ""


def _keys(request):
    address = client_address(request)
    username = request.POST.get("username", "").strip().lower()
    digest = hashlib.sha256
    return [
        f"login-failures:addr:{digest(address.encode()).hexdigest()}",
        f"login-failures:user:{digest(username.encode()).hexdigest()}",
    ]


def _failures(key):
    return cache.get(key, 0) or 0


def throttled_login(login_view):
    """Wrap the admin's login view with a lockout after LOGIN_MAX_FAILURES failed attempts."""

    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        keys = _keys(request)
        if any(_failures(key) >= settings.LOGIN_MAX_FAILURES for key in keys):
            minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
            response = render(request, "admin/locked_out.html", {"minutes": minutes}, status=429)
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            return response
        response = login_view(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:
            cache.delete(keys[1])
        else:
            for key in keys:
                if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
                    try:
                        cache.incr(key)
                    except ValueError:
                        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)
        return response

    return view
