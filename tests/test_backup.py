"""A backup restored into an empty database gives byte-identical API dumps and the same scores."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from catalog.backup import MODELS
from catalog.models import Change, ScoreSnapshot

pytestmark = pytest.mark.django_db(transaction=True)


def empty_everything():
    from django.apps import apps

    for label in reversed(MODELS):
        model = apps.get_model(label)
        if label == "catalog.aimodel":
            model.objects.filter(base_model__isnull=False).delete()
        model.objects.all().delete()


def test_backup_then_restore_into_an_empty_database_is_identical(
    client, real_catalogue_dir, tmp_path
):
    call_command("load_catalog", str(real_catalogue_dir), stdout=StringIO())
    assert ScoreSnapshot.objects.exists()
    dump_before = client.get("/api/v1/dump/").content
    detail_before = client.get("/api/v1/models/olmo-7b/").content
    scores_before = sorted(
        ScoreSnapshot.objects.values_list("model__slug", "framework", "verdict", "score", "key")
    )
    changes_before = Change.objects.count()

    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())
    empty_everything()
    cache.clear()
    assert client.get("/api/v1/models/olmo-7b/").status_code == 404

    call_command("restore_state", str(path), stdout=StringIO())
    assert client.get("/api/v1/dump/").content == dump_before
    assert client.get("/api/v1/models/olmo-7b/").content == detail_before
    assert (
        sorted(
            ScoreSnapshot.objects.values_list("model__slug", "framework", "verdict", "score", "key")
        )
        == scores_before
    )
    assert Change.objects.count() == changes_before
    # New rows after a restore get fresh ids.
    from catalog.models import Organization

    Organization.objects.create(slug="new-lab", name="New", kind="academic")


def test_restore_refuses_a_database_that_is_not_empty(fixture_catalogue, tmp_path):
    call_command("load_catalog", str(fixture_catalogue), stdout=StringIO())
    path = tmp_path / "state.json.gz"
    call_command("backup_state", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="restore only into an empty database"):
        call_command("restore_state", str(path))
