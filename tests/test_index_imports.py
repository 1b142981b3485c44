"""Importing OSI's list, EOSAI's and the MOT's files from their repositories, over real HTTP.

The fake GitHub (tests/fakehub.py) serves snapshots of the upstream repositories made of the
real files in tests/fixtures/indexes/; the catalogue is the real one in catalog/data.
"""

from pathlib import Path

import pytest

from catalog.indexes import importer
from catalog.models import AIModel, IndexEntry, IndexImport, IndexMatch
from tests.fakehub import FakeHub, Reply

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "indexes"
EOSAI_REPO = "Language-Technology-Assessment/main-database"
MOT_REPO = "lfai/model_openness_tool"
FIRST = "1" * 40
SECOND = "2" * 40


def fixture_files(folder):
    root = FIXTURES / folder
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def github(settings):
    with FakeHub() as hub:
        settings.INDEXES_GITHUB_API_URL = hub.url
        settings.INDEXES_ALLOWED_HOSTS = [hub.host]
        settings.GITHUB_TOKEN = None
        hub.add_github_snapshot(
            EOSAI_REPO, "main", FIRST, "2026-06-12T19:46:22Z", fixture_files("eosai")
        )
        hub.add_github_snapshot(
            MOT_REPO, "main", FIRST, "2026-05-11T14:34:12Z", fixture_files("mot")
        )
        yield hub


def entry(source, name):
    return IndexEntry.objects.get(source=source, name=name)


def matched(source, name):
    return sorted(entry(source, name).matches.values_list("model__slug", flat=True))


def test_mot_files_are_imported_and_matched_by_their_hugging_face_repositories(
    real_catalogue_for_module, github
):
    outcome = importer.import_index("mot")
    assert outcome.errors == [] and outcome.written == 4
    assert matched("mot", "Pythia-6.9B") == ["pythia-6.9b"]
    assert matched("mot", "OLMo-7B") == ["olmo-7b"]
    pythia = entry("mot", "Pythia-6.9B")
    assert pythia.verdict == "lists 15 of 17 MOF components"
    assert str(pythia.dated) == "2025-11-03"
    assert pythia.url == f"https://github.com/{MOT_REPO}/blob/{FIRST}/models/Pythia-6.9B.yml"
    state = IndexImport.objects.get(source="mot")
    assert (state.revision, state.last_error) == (FIRST, "")
    # Only the tarball of the new commit was read, after the commit itself.
    assert len(github.requests_to(f"/repos/{MOT_REPO}/commits/main")) == 1
    assert len(github.requests_to(f"/repos/{MOT_REPO}/tarball/{FIRST}")) == 1


def test_eosai_entries_that_match_no_model_by_repository_wait_for_a_curator(
    real_catalogue_for_module, github
):
    importer.import_index("eosai")
    pythia = entry("eosai", "Pythia")
    assert matched("eosai", "Pythia") == []
    assert pythia.candidates == ["pythia-12b", "pythia-6.9b"]
    assert str(pythia.dated) == "2026-06-12"
    assert matched("eosai", "Phi") == ["phi-4"]  # its own repository, microsoft/phi-4
    assert entry("eosai", "AMD OLMo").candidates == []


def test_an_unchanged_upstream_writes_nothing(real_catalogue_for_module, github):
    importer.import_index("mot")
    before = list(IndexEntry.objects.values_list("id", "imported_at", "content_hash"))
    imported_at = IndexImport.objects.get(source="mot").imported_at
    outcome = importer.import_index("mot")
    assert outcome.unchanged and outcome.written == 0
    assert list(IndexEntry.objects.values_list("id", "imported_at", "content_hash")) == before
    assert IndexImport.objects.get(source="mot").imported_at == imported_at
    assert github.requests_to(f"/repos/{MOT_REPO}/tarball/{FIRST}")  # read once, the first time
    assert len(github.requests_to(f"/repos/{MOT_REPO}/tarball/{FIRST}")) == 1


def test_osi_list_imports_once_and_then_writes_nothing(real_catalogue_for_module):
    first = importer.import_index("osi")
    assert first.written == 12 and first.errors == []
    assert matched("osi", "Phi-2") == ["phi-2"]
    assert entry("osi", "Pythia").candidates == ["pythia-12b", "pythia-6.9b"]
    assert importer.import_index("osi").unchanged


def test_a_malformed_upstream_file_is_reported_and_what_was_imported_before_stays(
    real_catalogue_for_module, github, caplog
):
    importer.import_index("mot")
    before = entry("mot", "Pythia-6.9B")
    files = fixture_files("mot")
    files["models/Pythia-6.9B.yml"] = (
        b"framework:\n  name: 'Model Openness Framework'\nrelease: [\n"
    )
    files["models/OLMo-7B.yml"] = files["models/OLMo-7B.yml"].replace(b"OLMo-7B", b"OLMo-7B-v2", 1)
    github.add_github_snapshot(MOT_REPO, "main", SECOND, "2026-06-01T10:00:00Z", files)

    outcome = importer.import_index("mot")

    assert outcome.errors and outcome.errors[0].startswith("models/Pythia-6.9B.yml: not valid YAML")
    after = entry("mot", "Pythia-6.9B")
    assert (after.content_hash, after.url, after.imported_at) == (
        before.content_hash, before.url, before.imported_at,
    )  # fmt: skip
    assert matched("mot", "Pythia-6.9B") == ["pythia-6.9b"]
    assert entry("mot", "OLMo-7B-v2").url.endswith(f"/{SECOND}/models/OLMo-7B.yml")
    state = IndexImport.objects.get(source="mot")
    assert state.revision == SECOND
    assert "models/Pythia-6.9B.yml: not valid YAML" in state.last_error
    assert any("models/Pythia-6.9B.yml" in r.getMessage() for r in caplog.records)


def test_an_unreachable_upstream_is_reported_and_changes_nothing(real_catalogue_for_module, github):
    importer.import_index("mot")
    count = IndexEntry.objects.count()
    github.queue(f"/repos/{MOT_REPO}/commits/main", Reply.server_error())
    outcome = importer.import_index("mot")
    assert outcome.errors and "500" in outcome.errors[0]
    assert IndexEntry.objects.count() == count
    assert "500" in IndexImport.objects.get(source="mot").last_error


def test_a_curators_match_survives_a_new_upstream_revision(real_catalogue_for_module, github):
    importer.import_index("eosai")
    pythia = entry("eosai", "Pythia")
    IndexMatch.objects.create(entry=pythia, model=AIModel.objects.get(slug="pythia-6.9b"))
    files = fixture_files("eosai")
    files["Pythia.yaml"] = files["Pythia.yaml"].replace(b"class: partial", b"class: open", 1)
    github.add_github_snapshot(EOSAI_REPO, "main", SECOND, "2026-07-01T10:00:00Z", files)
    assert importer.import_index("eosai").written == 1
    assert matched("eosai", "Pythia") == ["pythia-6.9b"]


def test_the_task_imports_every_index_and_counts_what_it_wrote(real_catalogue_for_module, github):
    from catalog.tasks import import_indexes

    counts = import_indexes.delay().get()
    assert counts["osi"]["written"] == 12
    assert counts["eosai"]["written"] == 4
    assert counts["mot"] == {"unchanged": False, "written": 4, "removed": 0, "errors": 0}


def test_the_command_imports_the_indexes_named(real_catalogue_for_module):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_indexes", "osi", stdout=out)
    assert "osi: {'unchanged': False, 'written': 12" in out.getvalue()
    assert IndexEntry.objects.filter(source="osi").count() == 12
