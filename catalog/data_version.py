"""The data version: the moment the evidence base last changed, one for the whole site.

Every public answer is validated by it (ETag, Last-Modified, page caches: catalog/api/conditional.py
and catalog/http_cache.py). Every write that changes what the site shows moves it on inside its own
transaction (bump_data_version; publishing.evidence_changed for the evidence), so no write can leave
it behind. It is kept in a one-row table (DataVersion, migration 0023).
"""

import datetime
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Max, Subquery
from django.utils import timezone

from catalog.models import Change, DataVersion, IndexEntry, IndexMatch, ScoreSnapshot

# Before the one row exists (a database flushed by a test), the newest recorded moment stands in.
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_request_memo: ContextVar[dict | None] = ContextVar("data_version_memo", default=None)
VERSION = "data version"  # its key in the request's memo


def once_a_request(key, read):
    """read(), made at most once a request for `key` and forgotten after it (and at any write
    that moves the data version on): for a read that both validates an answer (its ETag) and
    builds it."""
    memo = _request_memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


# Reads that depend on nothing but the data version, kept in this process for the newest
# version seen (every write that could change them moves the version on): {key: value}.
_version_memo = {"version": None, "reads": {}}


def once_a_version(key, read):
    """read(), made once a process for each data version: for small reads that every page or
    answer of a kind needs (the licences' terms), cheaper kept here than fetched from the cache."""
    version = data_version()
    if _version_memo["version"] != version:
        _version_memo.update(version=version, reads={})
    reads = _version_memo["reads"]
    if key not in reads:
        reads[key] = read()
    return reads[key]


def forget_version_reads():
    """Forget what once_a_version kept (for tests: a flushed database can repeat a version)."""
    _version_memo.update(version=None, reads={})


def data_version():
    """The moment the evidence base last changed (a timezone-aware datetime).

    Read from PostgreSQL (or SQLite), where the writes are, so that it can never miss one; read
    once a request (see DataVersionPerRequest) and never kept longer.
    """
    return once_a_request(VERSION, _read_data_version)


def _read_data_version():
    version = DataVersion.objects.values_list("changed_at", flat=True).first()
    return newest_recorded_moment() if version is None else version


def data_version_column():
    """The data version as a subquery, for a query that reads it beside what it reads anyway (a
    round trip fewer); give what it read to data_version_read()."""
    return Subquery(DataVersion.objects.values("changed_at")[:1])


def data_version_read(value):
    """data_version(), given what a data_version_column() read in this request."""
    if value is None:
        return data_version()  # no row yet: the newest recorded moment stands in
    return once_a_request(VERSION, lambda: value)


def newest_recorded_moment():
    """The newest change, score, index import or index match in the database."""
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
    DataVersion.objects.update_or_create(pk=1, defaults={"changed_at": newest_recorded_moment()})
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


class DataVersionPerRequest:
    """Middleware: the data version, and what once_a_request reads, are read at most once a
    request, and forgotten after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)
