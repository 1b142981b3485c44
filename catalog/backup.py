"""The whole state in one file, and back: evidence, history, scores, hub records, queues, users,
and the admin's own log.

A backup is Django's own serialisation (JSON lines, gzip-compressed), ordered by primary key, with the
database ids kept, so a restore into an empty database reproduces every row, permalink and score.
Permissions and groups are the exception: they are named by natural key (codename, app label,
model; group name), because each database numbers its permissions as its migrations made them;
so are the admin log's content types and users.

The file holds password hashes and API tokens: only its owner may read it.
"""

import datetime
import gzip
import os
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F

from catalog.data_version import restart_data_version
from catalog.roles import ROLE_GROUPS

# Order matters on restore: rows are loaded before the rows that point at them.
MODELS = [
    "auth.group",
    "auth.user",
    "authtoken.token",
    "catalog.organization",
    "catalog.license",
    "catalog.aimodel",
    "catalog.assessment",
    "catalog.correction",
    "catalog.change",
    "catalog.scoresnapshot",
    "catalog.currentscores",
    "catalog.hubrecord",
    "catalog.discrepancy",
    "catalog.correctionrequest",
    "catalog.indeximport",
    "catalog.indexentry",
    "catalog.indexmatch",
    "admin.logentry",
    "catalog.dataversion",
]
# Rows not worth restoring, with the reason: every other model of the catalogue is backed up.
NOT_BACKED_UP = {
    "catalog.ratecounter": "sign-in and correction counters, which expire within the hour",
}
# Groups by name, their permissions and users' permissions by (codename, app label, model).
NATURAL_KEYS = {
    "auth.group": {"use_natural_foreign_keys": True, "use_natural_primary_keys": True},
    "auth.user": {"use_natural_foreign_keys": True},
    "admin.logentry": {"use_natural_foreign_keys": True},
}


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them to the microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backup(path):
    """Write every row of MODELS to `path` (gzip JSON lines). Returns the number of rows.

    Everything is read in one transaction, on PostgreSQL one consistent view, so that writes made
    while the backup runs are either wholly in it or wholly out: never a score without its evidence.
    """
    rows = 0
    # durable: an enclosing transaction would already have taken its snapshot.
    with (
        transaction.atomic(durable=True),
        _owner_only(path) as raw,
        gzip.open(raw, "wt", encoding="utf-8") as out,
    ):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for label in MODELS:
            model = apps.get_model(label)
            queryset = model._default_manager.order_by("pk")
            if label == "catalog.aimodel":
                # Bases before their derivatives, so that a restore never points ahead.
                queryset = model._default_manager.order_by(
                    F("base_model_id").asc(nulls_first=True), "pk"
                )
            serializers.serialize(
                "jsonl", queryset.iterator(chunk_size=2000), stream=out, cls=ExactJSONEncoder,
                **NATURAL_KEYS.get(label, {}),
            )  # fmt: skip
            rows += queryset.count()
    return rows


def _owner_only(path):
    """`path` opened for writing, readable and writable by its owner only: created so, and made
    so when it already existed, before a byte is written."""
    descriptor = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


class NotEmpty(Exception):
    pass


def check_empty():
    """Raise NotEmpty unless the database holds nothing a restore would collide with or mix into.

    The role groups and the data version are allowed: migrations make them in every database,
    and the backup's own replace them.
    """
    for label in MODELS:
        if label == "catalog.dataversion":
            continue
        rows = apps.get_model(label)._default_manager.all()
        if label == "auth.group":
            rows = rows.exclude(name__in=ROLE_GROUPS)
        if rows.exists():
            raise NotEmpty(f"{label} already has rows: restore only into an empty database")


def restore(path):
    """Load a backup into an empty, migrated database in one transaction. Returns the number of
    rows."""
    check_empty()
    rows, restored_version = 0, False
    with transaction.atomic(), gzip.open(Path(path), "rt", encoding="utf-8") as stream:
        for obj in serializers.deserialize("jsonl", stream):
            obj.save()
            rows += 1
            restored_version |= obj.object._meta.label_lower == "catalog.dataversion"
        # Sequences continue after the restored ids, so new rows get fresh ones.
        models = [apps.get_model(label) for label in MODELS]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        # The site's version comes back with it, so copies cached from that site stay valid; a
        # backup made before it was kept is given the newest moment of its rows.
        if not restored_version:
            restart_data_version()
    return rows
