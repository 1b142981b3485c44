"""Planning refreshes within the Hub's rate limits: pure arithmetic over what the Hub reported.

The Hub answers every API call with `RateLimit: "api";r=<remaining>;t=<seconds to reset>` and
`RateLimit-Policy: ...;q=<quota>;w=<window seconds>`. The dispatcher runs every few minutes; each
run may spend what remains of the window's quota, less a reserve for webhooks, discovery and
curators' own refreshes, and no more than its share of the window so that later runs in the
same window are not starved.
"""

import math


def entries_to_enqueue(*, remaining, reset_seconds, calls_per_entry, batch_size, run_every,
                       reserve=0.1):  # fmt: skip
    """How many entries one dispatcher run may enqueue.

    `remaining` and `reset_seconds` are the Hub's last report (None when none was seen: then the
    configured `batch_size` stands); `run_every` is the seconds between dispatcher runs.
    """
    if remaining is None:
        return batch_size
    usable = max(0, remaining - math.ceil(remaining * reserve))
    runs_left = max(1, math.ceil((reset_seconds or 0) / max(1, run_every)))
    return min(batch_size, usable // calls_per_entry // runs_left)


def entries_per_run_needed(*, entries, period_seconds, run_every):
    """How many entries each run must refresh so that all of them are refreshed in the period."""
    runs = max(1, period_seconds // max(1, run_every))
    return math.ceil(entries / runs)
