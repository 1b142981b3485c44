"""Discovery across the whole Hub: the listing's expanded pages become machine-read entries."""

import pytest

from catalog import machine_read
from catalog.models import AIModel, Assessment, HubRecord
from tests.fakehub import FakeHub, model_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(settings):
    with FakeHub(page_size=3) as fake:
        settings.HF_ENDPOINT = fake.url
        settings.HUB_ALLOWED_HOSTS = [fake.host]
        yield fake


def popular(hub, repo_id, downloads, **fields):
    hub.add_model(model_payload(repo_id, downloads=downloads, **fields))


def test_every_repository_above_the_threshold_becomes_a_machine_read_entry(hub, db):
    for number, downloads in enumerate([900_000, 50_000, 20_000, 10_000, 9_999, 5]):
        popular(hub, f"org{number}/model", downloads, siblings=[{"rfilename": "w.gguf"}])
    run = machine_read.discover_hub(min_downloads=10_000, trending=0)
    assert (run.listed, run.created, run.errors) == (4, 4, [])
    entries = AIModel.objects.machine_read()
    assert sorted(m.hf_repos[0] for m in entries) == [f"org{n}/model" for n in range(4)]
    # Facts of many repositories in one call: listing pages only, none per repository.
    assert {request.path for request in hub.requests} == {"/api/models"}
    assert len(hub.requests) == 2  # the second page reached the threshold: no third
    first = hub.requests[0].query
    assert first["sort"] == ["downloads"] and "siblings" in first["expand[]"]
    weights = Assessment.objects.get(model__hf_repos=["org0/model"], component="weights_final")
    assert (weights.availability, weights.source) == ("full", "hub")
    assert HubRecord.objects.get(repo_id="org0/model").downloads == 900_000


def test_a_second_run_creates_nothing_and_curated_entries_always_win(hub, catalogue_with_scores):
    popular(hub, "example-lab/Example-Base-7B", 1_000_000)  # the catalogue's own
    popular(hub, "new/model", 20_000)
    assert machine_read.discover_hub(min_downloads=10_000, trending=0).created == 1
    assert machine_read.discover_hub(min_downloads=10_000, trending=0).created == 0
    assert not AIModel.objects.machine_read().filter(hf_repos=["example-lab/Example-Base-7B"])


def test_the_trending_repositories_are_read_too(hub, db):
    popular(hub, "big/model", 500_000, trendingScore=1)
    popular(hub, "small/rising", 100, trendingScore=99)
    popular(hub, "small/other", 100, trendingScore=2)
    run = machine_read.discover_hub(min_downloads=10_000, trending=1)
    assert run.created == 2
    assert AIModel.objects.machine_read().filter(hf_repos=["small/rising"]).exists()
    assert not AIModel.objects.filter(hf_repos=["small/other"]).exists()


def test_derivatives_are_linked_to_their_bases_discovering_missing_ones(hub, db):
    popular(hub, "base/model", 800_000)
    popular(hub, "tuner/tuned", 30_000, cardData={"base_model": "base/model"})
    popular(hub, "tuner/other", 20_000, cardData={"base_model": "elsewhere/unlisted"})
    run = machine_read.discover_hub(min_downloads=10_000, trending=0)
    assert run.linked == 2
    tuned = AIModel.objects.get(hf_repos=["tuner/tuned"])
    assert tuned.base_model.hf_repos == ["base/model"]
    other = AIModel.objects.get(hf_repos=["tuner/other"])
    assert other.base_model.hf_repos == ["elsewhere/unlisted"]
    assert other.base_model.review_status == "machine-read"


def test_private_repositories_are_never_entries(hub, db):
    popular(hub, "org/secret", 50_000, private=True)
    assert machine_read.discover_hub(min_downloads=10_000, trending=0).created == 0


def test_a_listing_error_is_reported_and_the_run_stops(hub, db):
    from tests.fakehub import Reply

    popular(hub, "org/model", 50_000)
    hub.queue("/api/models", Reply.rate_limited(reset_in=60))
    run = machine_read.discover_hub(min_downloads=10_000, trending=0)
    assert run.created == 0 and "RateLimited" in run.errors[0][1]


def test_repositories_whose_names_read_alike_get_numbered_slugs_across_pages(hub, db):
    for number, repo in enumerate(["a/b-c", "x/one", "y/two", "a-b/c", "z/three", "a/b.c"]):
        popular(hub, repo, 100_000 - number)
    run = machine_read.discover_hub(min_downloads=10_000, trending=0)
    assert (run.pages, run.created) == (2, 6)
    slugs = {m.hf_repos[0]: m.slug for m in AIModel.objects.machine_read()}
    assert [slugs["a/b-c"], slugs["a-b/c"], slugs["a/b.c"]] == ["a-b-c", "a-b-c-2", "a-b-c-3"]
