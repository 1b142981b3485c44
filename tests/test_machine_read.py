"""The machine-read tier on the site: marked everywhere, left out of the ranking, found by repo id,
promoted by a curator."""

import pytest
from django.utils import timezone

from catalog import curation, machine_read, scoring, sync
from catalog.hubs.huggingface import parse_model_info, repo_id_from_text
from catalog.models import AIModel, Change
from tests.fakehub import model_payload

pytestmark = pytest.mark.django_db

REPO = "someone/Tiny-Robot-Policy"
MARK = "Machine-read from the Hub, not reviewed by a curator"


@pytest.fixture
def entry(catalogue_with_scores, django_capture_on_commit_callbacks):
    """One machine-read entry beside the curated test catalogue, scored."""
    info = parse_model_info(
        model_payload(
            REPO, pipeline_tag="robotics", gated="manual", downloads=25_000,
            cardData={"license": "apache-2.0"}, tags=["license:apache-2.0"],
            siblings=[{"rfilename": "README.md"}, {"rfilename": "policy.pte"}],
        )
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = machine_read.create_entries([info], now=timezone.now())
        scoring.rescore([pk])
    return AIModel.objects.get(pk=pk)


def test_a_machine_read_entry_says_what_the_hub_shows_and_nothing_more(entry):
    assert (entry.status, entry.review_status) == ("published", "machine-read")
    assert (entry.modality, entry.kind) == ("robotics", "unknown")
    states = dict(entry.assessments.values_list("component", "availability"))
    assert states["weights_final"] == "partial"  # a manual gate: someone approves each request
    assert states["doc_model_card"] == "full"
    assert sum(1 for value in states.values() if value == "unknown") == 18
    assert set(entry.assessments.values_list("source", flat=True)) == {"hub"}
    assert entry.current.g7_verdict  # every framework's verdict, with its reasons
    assert entry.snapshots.filter(is_current=True).count() >= 5


def test_the_directory_leaves_the_tier_out_unless_asked_for(client, entry):
    default = client.get("/").content.decode()
    assert "Tiny-Robot-Policy" not in default
    tier = client.get("/?review_status=machine-read").content.decode()
    assert "Tiny-Robot-Policy" in tier and "machine-read, not reviewed" in tier
    assert "Example Base 7B" not in tier


def test_the_model_page_marks_a_machine_read_entry(client, entry):
    page = client.get(f"/models/{entry.slug}/").content.decode()
    assert MARK in page
    assert MARK not in client.get("/models/example-base-7b/").content.decode()


def test_the_badge_marks_a_machine_read_entry(client, entry):
    badge = client.get(f"/badge/{entry.slug}.svg").content.decode()
    assert "machine-read, not reviewed" in badge
    assert "machine-read" not in client.get("/badge/example-base-7b.svg").content.decode()


def test_the_api_answers_with_the_review_status(client, entry):
    listed = client.get("/api/v1/models/?review_status=any").json()
    statuses = {row["slug"]: row["review_status"] for row in listed["results"]}
    assert statuses[entry.slug] == "machine-read"
    assert statuses["example-base-7b"] == "curated"
    assert entry.slug not in {
        row["slug"] for row in client.get("/api/v1/models/").json()["results"]
    }
    assert client.get(f"/api/v1/models/{entry.slug}/").json()["review_status"] == "machine-read"


def test_the_downloads_carry_the_review_status_of_the_curated_dataset(client, entry):
    body = client.get("/downloads/openness-scorecard.csv").content.decode()
    header, first = body.splitlines()[:2]
    assert "review_status" in header.split(",")
    assert ",curated," in first
    assert entry.slug not in body
    dump = client.get("/downloads/openness-scorecard.json").json()
    assert {m["review_status"] for m in dump["models"]} == {"curated"}


@pytest.mark.parametrize(
    "text",
    [REPO, REPO.lower(), f"https://huggingface.co/{REPO}", f"https://huggingface.co/{REPO}/tree/main",
     f"huggingface.co/{REPO}", f"https://hf.co/{REPO}/"],
)  # fmt: skip
def test_pasting_a_repo_id_or_hub_url_in_search_finds_the_entry(client, entry, text):
    page = client.get("/", {"q": text}).content.decode()
    assert "Tiny-Robot-Policy" in page


def test_the_api_finds_an_entry_by_hf_repo_curated_or_machine_read(client, entry):
    found = client.get("/api/v1/models/", {"hf_repo": REPO.upper()}).json()["results"]
    assert [row["slug"] for row in found] == [entry.slug]
    curated = client.get("/api/v1/models/", {"hf_repo": "example-lab/Example-Base-7B"}).json()
    assert [row["slug"] for row in curated["results"]] == ["example-base-7b"]


def test_the_api_refuses_an_hf_repo_that_is_not_a_repo_id(client, entry):
    response = client.get("/api/v1/models/", {"hf_repo": "not a repo"})
    assert response.status_code == 400
    assert "hf_repo" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "repo"),
    [("org/name", "org/name"), ("https://huggingface.co/org/name/blob/main/README.md", "org/name"),
     ("https://huggingface.co/models/org/name", "org/name"), ("https://example.org/org/name", None),
     ("https://huggingface.co/datasets/org/name", None), ("llama 3", None), ("org/name/x", None)],
)  # fmt: skip
def test_a_repo_id_is_read_from_what_a_reader_pastes(text, repo):
    assert repo_id_from_text(text) == repo


def test_a_curator_promotes_an_entry_to_curated_keeping_its_history(client, entry):
    created = Change.objects.filter(model=entry).count()
    assert curation.promote_to_curated(entry, actor="alice", reason="Checked the card")
    entry.refresh_from_db()
    assert entry.review_status == "curated"
    changes = Change.objects.filter(model=entry)
    assert changes.count() == created + 1
    assert changes.first().after == {"review_status": "curated"}
    assert "Tiny-Robot-Policy" in client.get("/").content.decode()
    assert MARK not in client.get(f"/models/{entry.slug}/").content.decode()


def test_a_curated_file_for_the_same_slug_takes_the_entry_over(entry, fixture_catalogue):
    text = (fixture_catalogue / "models" / "example-base-7b.yaml").read_text()
    text = text.replace("slug: example-base-7b", f"slug: {entry.slug}").replace(
        "name: Example Base 7B", "name: Tiny Robot Policy"
    )
    (fixture_catalogue / "models" / f"{entry.slug}.yaml").write_text(text)
    report = sync.load_catalogue(fixture_catalogue)
    assert report.ok and entry.slug in report.updated
    entry.refresh_from_db()
    assert entry.review_status == "curated"


def test_a_curated_entry_that_adds_the_repository_retires_the_machine_read_one(
    client, entry, fixture_catalogue, django_capture_on_commit_callbacks
):
    created = Change.objects.filter(model=entry).count()
    [child] = machine_read.create_entries(
        [parse_model_info(model_payload("someone/tuned-policy"))], now=timezone.now()
    )
    AIModel.objects.filter(pk=child).update(base_model=entry)  # built on the Hub's entry
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    named = "- example-lab/Example-Base-7B"
    text = path.read_text().replace(named, f"{named}\n  - {REPO}")
    path.write_text(text)
    with django_capture_on_commit_callbacks(execute=True):
        report = sync.load_catalogue(fixture_catalogue, overwrite=True)
    assert report.ok
    entry.refresh_from_db()
    curated = AIModel.objects.get(slug="example-base-7b")
    assert (entry.status, entry.merged_into) == ("retired", curated)
    # Its history is kept, with why it was retired; models built on it follow the curated one.
    changes = Change.objects.filter(model=entry)
    assert changes.count() == created + 1
    assert changes.first().after == {"status": "retired", "merged_into": "example-base-7b"}
    assert AIModel.objects.get(pk=child).base_model == curated
    # Shown once: the curated entry, wherever the repository is looked for.
    found = client.get("/api/v1/models/", {"hf_repo": REPO}).json()["results"]
    assert [row["slug"] for row in found] == ["example-base-7b"]
    tier = client.get("/?review_status=machine-read").content.decode()
    assert "Tiny-Robot-Policy" not in tier
    response = client.get(f"/models/{entry.slug}/")
    assert (response.status_code, response["Location"]) == (301, "/models/example-base-7b/")
    # Nothing refreshes it again: its curated entry reads the repository.
    from catalog.refresh import dispatch

    assert entry.pk not in dispatch.due_models(limit=10_000)
    assert machine_read.retire_duplicates() == []
