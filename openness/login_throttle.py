"""Admin logins: a few failures are allowed, then the address and the account are locked out.

Counted in the database (catalog.rate_limits), per client address and per username, so that
guessing passwords for one account from many addresses is stopped as well, and so that the
lockout holds while Redis is down and outlives its restarts.
"""

import functools
import hashlib

from django.conf import settings
from django.shortcuts import render

from catalog import rate_limits
from catalog.rate_limits import client_address


def _keys(request):
    address = client_address(request)
    username = request.POST.get("username", "").strip().lower()
    digest = hashlib.sha256
    return [
        f"login-failures:addr:{digest(address.encode()).hexdigest()}",
        f"login-failures:user:{digest(username.encode()).hexdigest()}",
    ]


def throttled_login(login_view):
    """Wrap the admin's login view with a lockout after LOGIN_MAX_FAILURES failed attempts."""

    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        keys = _keys(request)
        if any(rate_limits.count(key) >= settings.LOGIN_MAX_FAILURES for key in keys):
            minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
            response = render(request, "admin/locked_out.html", {"minutes": minutes}, status=429)
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            return response
        response = login_view(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:
            rate_limits.clear(keys[1])
        else:
            for key in keys:
                rate_limits.hit(key, settings.LOGIN_LOCKOUT_SECONDS)
        return response

    return view
