"""What other indexes say, on model pages, in the API and on /concordance/, with the real catalogue.

OSI's list, and EOSAI's and the MOT's real files (tests/fixtures/indexes/) served by the fake
GitHub, are imported; a curator confirms the matches the importer could not make alone.
"""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from catalog.indexes import importer
from catalog.models import AIModel, IndexEntry, IndexMatch
from tests.fakehub import FakeHub

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "indexes"
COMMIT = "1" * 40


def fixture_files(folder):
    root = FIXTURES / folder
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def confirm(source, name, slug):
    """A curator's match (some come with the catalogue, in catalog/data/index_matches.yaml)."""
    IndexMatch.objects.get_or_create(
        entry=IndexEntry.objects.get(source=source, name=name),
        model=AIModel.objects.get(slug=slug),
    )


@pytest.fixture
def imported(real_catalogue_for_module, settings):
    with FakeHub() as hub:
        settings.INDEXES_GITHUB_API_URL = hub.url
        settings.INDEXES_ALLOWED_HOSTS = [hub.host]
        settings.GITHUB_TOKEN = None
        hub.add_github_snapshot(
            "Language-Technology-Assessment/main-database", "main", COMMIT,
            "2026-06-12T19:46:22Z", fixture_files("eosai"),
        )  # fmt: skip
        hub.add_github_snapshot(
            "lfai/model_openness_tool", "main", COMMIT, "2026-05-11T14:34:12Z",
            fixture_files("mot"),
        )  # fmt: skip
        outcomes = importer.import_all()
    assert all(not o.errors for o in outcomes.values()), outcomes
    # OSI validated the Pythia suite and the first OLMo; EOSAI's Pythia entry rates a fine-tune
    # of Pythia 6.9B, its OLMo entry the Olmo 3 family.
    confirm("osi", "Pythia", "pythia-6.9b")
    confirm("osi", "OLMo", "olmo-7b")
    confirm("osi", "Amber", "amber-7b")
    confirm("eosai", "Pythia", "pythia-6.9b")
    confirm("eosai", "OLMo", "olmo-3-7b")


def test_pythias_page_shows_what_osi_eosai_and_the_mot_say_with_dates_and_links(imported, client):
    response = client.get("/models/pythia-6.9b/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "What other indexes say" in page
    assert "OSI&#x27;s OSAID 1.0 validation" in page
    assert '<a href="https://opensource.org/ai">Pythia</a> — conforms' in page
    assert '<time datetime="2025-01-24">' in page
    eosai_link = (
        f"https://github.com/Language-Technology-Assessment/main-database/blob/{COMMIT}/Pythia.yaml"
    )
    assert f'<a href="{eosai_link}">Pythia</a> — 8 open, 4 partial, 0 closed of 12' in page
    assert '<time datetime="2026-06-12">' in page
    mot_link = f"https://github.com/lfai/model_openness_tool/blob/{COMMIT}/models/Pythia-6.9B.yml"
    assert f'<a href="{mot_link}">Pythia-6.9B</a> — lists 15 of 17 MOF components' in page
    assert '<time datetime="2025-11-03">' in page
    assert "CC-BY-4.0" in page and "doi:10.5281/zenodo.15386042" in page
    assert "Copyright 2024 The Model Openness Tool Authors" in page


def test_olmos_pages_show_osi_the_mot_and_eosai(imported, client):
    page = client.get("/models/olmo-7b/").content.decode()
    assert '<a href="https://opensource.org/ai">OLMo</a> — conforms' in page
    assert ">OLMo-7B</a> — lists 13 of 17 MOF components" in page
    assert '<time datetime="2025-05-16">' in page
    page = client.get("/models/olmo-3-7b/").content.decode()
    assert "/main-database/blob/" in page and ">OLMo</a> — 11 open, 1 partial, 0 closed" in page


def test_where_osi_and_we_agree_the_model_page_shows_no_difference(imported, client):
    # OSI found Amber conforming, and so does our evidence since the LLM360 repositories'
    # LICENSE files were read: nothing to explain.
    page = client.get("/models/amber-7b/").content.decode()
    assert '<a href="https://opensource.org/ai">Amber</a> — conforms' in page
    assert "we say does not conform" not in page


def test_where_osi_and_we_differ_the_model_page_gives_our_failing_criteria(imported, client):
    # The Scorecard's verdicts agree with all twelve of OSI's; one entry matched against the
    # evidence of a model whose code we find unlicensed shows how a difference is explained.
    IndexMatch.objects.create(
        entry=IndexEntry.objects.get(source="osi", name="Pythia"),
        model=AIModel.objects.get(slug="llama-2-7b"),
    )
    page = client.get("/models/llama-2-7b/").content.decode()
    assert "Our OSAID criteria that fail: Data information" in page


def test_the_api_model_detail_lists_what_each_index_says(imported, client):
    body = client.get("/api/v1/models/pythia-6.9b/").json()
    by_index = {item["index"]: item for item in body["other_indexes"]}
    assert list(by_index) == ["osi", "eosai", "mot"]
    assert by_index["osi"] == {
        "index": "osi", "index_name": "OSI's OSAID 1.0 validation", "name": "Pythia",
        "verdict": "conforms", "date": "2025-01-24",
        "date_meaning": "the date of OSI's page text in its website repository",
        "url": "https://opensource.org/ai", "matched_by": "curator", "differences": [],
    }  # fmt: skip
    assert by_index["mot"]["matched_by"] == "hub_repo"
    assert by_index["mot"]["date"] == "2025-11-03"
    for difference in by_index["eosai"]["differences"] + by_index["mot"]["differences"]:
        assert set(difference) == {"topic", "theirs", "ours", "reason"}
        assert difference["reason"]


def test_the_concordance_page_lists_every_disagreement_with_our_reason(imported, client):
    response = client.get("/concordance/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every disagreement between another index and the Scorecard" in page
    # EOSAI and the MOT grade some components differently; each difference gives our reason.
    assert 'href="/models/pythia-6.9b/">Pythia 6.9B</a>' in page
    assert "Technical report is released under no stated licence" in page
    assert "Copyright 2024 The Model Openness Tool Authors" in page
    assert "CC-BY-4.0" in page
    assert "not matched to one of our models yet" in page


def test_the_concordance_page_says_so_when_nothing_is_imported(client, db):
    page = client.get("/concordance/").content.decode()
    assert "No disagreement" in page and "Nothing has been imported yet." in page


def test_curators_see_unmatched_entries_and_can_match_them_in_the_admin(imported, client):
    curator = User.objects.create_user("curator", password="pw-curator-1")
    curator.groups.add(Group.objects.get(name="Curators"))
    client.force_login(curator)
    listing = client.get("/admin/catalog/indexentry/?matched=no")
    assert listing.status_code == 200
    assert "AMD OLMo" in listing.content.decode()
    entry = IndexEntry.objects.get(source="osi", name="Grok")
    assert entry.candidates == ["grok-1"]
    # Matched by the catalogue's own file; the curator makes the match again, by hand.
    IndexMatch.objects.filter(entry=entry).delete()
    grok = AIModel.objects.get(slug="grok-1")
    response = client.post(
        f"/admin/catalog/indexentry/{entry.pk}/change/",
        {
            "matches-TOTAL_FORMS": "1", "matches-INITIAL_FORMS": "0",
            "matches-MIN_NUM_FORMS": "0", "matches-MAX_NUM_FORMS": "1000",
            "matches-0-model": str(grok.pk), "matches-0-entry": str(entry.pk),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    match = IndexMatch.objects.get(entry=entry)
    assert (match.model, match.method, match.matched_by) == (grok, "curator", curator)


def test_health_reports_each_importers_last_error(imported, client):
    body = client.get("/health/").json()
    assert body["index_imports"]["mot"]["last_error"] is None
    assert body["index_imports"]["osi"]["revision"]


def test_the_catalogues_own_matches_put_osis_outcomes_on_the_pages_it_names(
    real_catalogue_for_module, client, settings
):
    # OSI's list is a local file: it imports without reaching any upstream, and the matches
    # kept in catalog/data/index_matches.yaml are applied as curators' matches.
    outcome = importer.import_index("osi")
    assert not outcome.errors
    for slug in ("pythia-6.9b", "pythia-12b", "olmo-7b", "mixtral-8x7b-v0.1"):
        page = client.get(f"/models/{slug}/").content.decode()
        assert '<a href="https://opensource.org/ai">' in page, slug
    assert IndexMatch.objects.filter(entry__source="osi").count() == 18
    # OSI's twelve outcomes agree with the Scorecard's OSAID verdicts.
    assert "we say" not in client.get("/models/amber-7b/").content.decode()
