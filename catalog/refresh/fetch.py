"""Fetching from each hub (one function per hub, returning what to store or raising a HubError)
and the Hugging Face Hub's rate-limit budget as it last reported it."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from catalog.hubs import github, huggingface
from catalog.models import HubRecord


def fetch_huggingface(repo_id):
    common = {
        "endpoint": settings.HF_ENDPOINT,
        "allowed_hosts": settings.HUB_ALLOWED_HOSTS,
        "token": settings.HF_TOKEN,
        "timeout": settings.HUB_TIMEOUT,
    }
    try:
        info = huggingface.fetch_model(repo_id, **common)
        refs = huggingface.fetch_refs(info.repo_id, **common)
    finally:
        remember_budget(huggingface.last_rate_limit())
    return info, refs


HUB_BUDGET = "refresh:hub-budget"
HF_CALLS_PER_ENTRY = 2  # model info and refs


def remember_budget(rate_limit, now=None):
    """Keep the Hub's last reported quota for the dispatcher and the health page."""
    if rate_limit is None:
        return
    remaining, reset = rate_limit
    now = now or timezone.now()
    reset_at = now + datetime.timedelta(seconds=reset)
    cache.set(HUB_BUDGET, {"remaining": remaining, "reset_at": reset_at.isoformat()}, reset + 60)


def current_budget(now=None):
    """(remaining calls, seconds to reset) from the Hub's last report still in its window."""
    seen = cache.get(HUB_BUDGET)
    if not seen:
        return None, None
    now = now or timezone.now()
    reset = (datetime.datetime.fromisoformat(seen["reset_at"]) - now).total_seconds()
    if reset <= 0:
        return None, None  # a new window: the full quota again
    return seen["remaining"], reset


def fetch_github(full_name):
    return github.fetch_repo(
        full_name,
        base_url=settings.GITHUB_API_URL,
        allowed_hosts=settings.HUB_ALLOWED_HOSTS,
        token=settings.GITHUB_TOKEN,
        timeout=settings.HUB_TIMEOUT,
    )


FETCHERS = {HubRecord.Hub.HUGGINGFACE: fetch_huggingface, HubRecord.Hub.GITHUB: fetch_github}
