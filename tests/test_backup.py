"""Backups: restored into a freshly migrated database, a backup gives byte-identical API dumps, the
same scores, and the same users, roles and API tokens."""

import contextlib
import gzip
import threading
from io import StringIO

import psycopg
import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import serializers
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from catalog.models import Organization, ScoreSnapshot

# Transactions of their own, for the backup's snapshot; serialized_rollback brings back, before
# and after each test, what migrations put in the database (the role groups), which the flush
# after every transactional test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def admin_connection():
    """A connection to the PostgreSQL server itself, for creating and dropping databases."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
        port=db["PORT"] or None, autocommit=True,
    )  # fmt: skip


@pytest.fixture
def fresh_database(tmp_path):
    """The name of a second database, empty (not even migrated), dropped afterwards."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with admin_connection() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin_connection() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def using_database(name):
    """Point the default connection, and so the whole site, at another database for a while."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    cache.clear()  # what the cache holds belongs to the other database
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        cache.clear()


def renumber_permissions():
    """Give every permission another id, as in a database whose migrations ran in another order,
    so that a backup naming permissions by id would grant the wrong ones, or none."""
    rows = list(Permission.objects.order_by("pk").values("name", "codename", "content_type_id"))
    Permission.objects.all().delete()
    Permission.objects.bulk_create(Permission(**row) for row in reversed(rows))


def scores():
    return sorted(
        ScoreSnapshot.objects.values_list("model__slug", "framework", "verdict", "score", "key")
    )


def role_permissions(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )


def test_a_backup_restored_into_a_fresh_database_is_the_same_site(
    client, real_catalogue_dir, tmp_path, fresh_database
):
    call_command("load_catalog", str(real_catalogue_dir), stdout=StringIO())
    carol = User.objects.create_user("carol", "carol@example.org", "a-long-password")
    carol.groups.add(Group.objects.get(name="Curators"))
    carol.user_permissions.add(Permission.objects.get(codename="delete_license"))
    token = Token.objects.create(user=carol)
    carol_permissions = User.objects.get(username="carol").get_all_permissions()
    assert "catalog.delete_license" in carol_permissions
    curators, administrators = role_permissions("Curators"), role_permissions("Administrators")
    pages = ["/api/v1/dump/", "/api/v1/models/olmo-7b/", "/api/v1/models/olmo-7b/history/"]
    before = {page: client.get(page).content for page in pages}
    scores_before = scores()
    assert scores_before

    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())

    with using_database(fresh_database):
        call_command("migrate", verbosity=0)
        renumber_permissions()
        assert client.get("/api/v1/models/olmo-7b/").status_code == 404
        call_command("restore_state", str(path), stdout=StringIO())

        for page in pages:
            assert client.get(page).content == before[page], page
        assert scores() == scores_before
        restored = User.objects.get(username="carol")
        assert restored.check_password("a-long-password")
        assert list(restored.groups.values_list("name", flat=True)) == ["Curators"]
        assert restored.get_all_permissions() == carol_permissions
        assert role_permissions("Curators") == curators
        assert role_permissions("Administrators") == administrators
        signed = client.get("/api/v1/models/", HTTP_AUTHORIZATION=f"Token {token.key}")
        assert signed.status_code == 200
        assert client.get("/api/v1/models/", HTTP_AUTHORIZATION="Token wrong").status_code == 401
        # New rows after a restore get fresh ids.
        Organization.objects.create(slug="new-lab", name="New", kind="academic")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer; the snapshot is PostgreSQL's"
)
def test_a_backup_is_one_snapshot_of_the_database(fixture_catalogue, tmp_path, monkeypatch):
    call_command("load_catalog", str(fixture_catalogue), stdout=StringIO())
    serialize = serializers.serialize
    written_meanwhile = []

    def write_from_another_connection():
        Organization.objects.create(slug="late-lab", name="Late", kind="academic")
        connection.close()

    def serialize_then_write_meanwhile(*args, **kwargs):
        serialize(*args, **kwargs)
        if not written_meanwhile:
            # After the first table is written and before the organisations are read.
            writer = threading.Thread(target=write_from_another_connection)
            writer.start()
            writer.join()
            written_meanwhile.append(True)

    monkeypatch.setattr(serializers, "serialize", serialize_then_write_meanwhile)
    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())

    assert written_meanwhile and Organization.objects.filter(slug="late-lab").exists()
    with gzip.open(path, "rt") as backup:
        text = backup.read()
    assert '"example-lab"' in text
    assert '"late-lab"' not in text


def test_restore_refuses_a_database_with_catalogue_rows(fixture_catalogue, tmp_path):
    call_command("load_catalog", str(fixture_catalogue), stdout=StringIO())
    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="restore only into an empty database"):
        call_command("restore_state", str(path))


def test_restore_refuses_a_database_with_users(tmp_path):
    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())
    Token.objects.create(user=User.objects.create_user("someone"))
    with pytest.raises(CommandError, match="auth.user already has rows"):
        call_command("restore_state", str(path))


def test_restore_refuses_a_database_with_groups_besides_the_roles(tmp_path):
    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())
    Group.objects.create(name="Reviewers")
    with pytest.raises(CommandError, match="auth.group already has rows"):
        call_command("restore_state", str(path))


def test_the_backup_covers_every_model_of_the_catalogue():
    from django.apps import apps

    from catalog.backup import MODELS, NOT_BACKED_UP

    catalogue = {m._meta.label_lower for m in apps.get_app_config("catalog").get_models()}
    assert catalogue - set(NOT_BACKED_UP) <= set(MODELS)


@pytest.mark.parametrize("existing", [False, True])
def test_the_backup_file_is_readable_by_its_owner_only(tmp_path, existing):
    import os
    import stat

    path = tmp_path / "state.json.gz"
    if existing:
        path.write_text("an older backup, world-readable")
        path.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        call_command("backup_state", str(path), stdout=StringIO())
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with gzip.open(path, "rt") as backup:
        assert backup.readline().startswith("{")


def test_the_admins_own_log_is_backed_up_and_restored(tmp_path, fresh_database):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    alice = User.objects.create_superuser("alice", "alice@example.org", "pw")
    organization = Organization.objects.create(slug="lab", name="Lab", kind="academic")
    LogEntry.objects.create(
        user=alice, content_type=ContentType.objects.get_for_model(Organization),
        object_id=str(organization.pk), object_repr="Lab", action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Name"]}}]',
    )  # fmt: skip
    before = list(
        LogEntry.objects.values_list(
            "action_time", "user__username", "content_type__app_label", "content_type__model",
            "object_id", "object_repr", "action_flag", "change_message",
        )
    )  # fmt: skip
    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())

    with using_database(fresh_database):
        call_command("migrate", verbosity=0)
        call_command("restore_state", str(path), stdout=StringIO())
        after = list(
            LogEntry.objects.values_list(
                "action_time", "user__username", "content_type__app_label", "content_type__model",
                "object_id", "object_repr", "action_flag", "change_message",
            )
        )  # fmt: skip
        assert after == before
