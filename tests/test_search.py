"""Text search over the models, and the one FilterSet that declares the list's parameters."""

from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import clauses, filtering, selectors
from catalog.filtering import ModelFilterSet
from catalog.models import AIModel, Organization

SCHEMA = Path(__file__).resolve().parent.parent / "openapi.yaml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(client, real_catalogue_for_module, db):
    return client


def _zanzibar_in_llamas_name_and_olmos_description():
    olmo = AIModel.objects.get(slug="olmo-7b")
    olmo.description = "Trained beside the Zanzibar models."
    olmo.save()
    llama = AIModel.objects.get(slug="llama-2-7b")
    llama.name = "Llama 2 7B Zanzibar"
    llama.save()


def found(client, params):
    response = client.get("/api/v1/models/", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_a_name_match_ranks_above_a_description_match(site):
    # The default order (-g7) puts OLMo 7B (open source AI with open data) before Llama 2 7B:
    # a search for a word in Llama's name and only in OLMo's description puts Llama first.
    ranking = found(site, {})
    assert ranking.index("olmo-7b") < ranking.index("llama-2-7b")
    _zanzibar_in_llamas_name_and_olmos_description()
    assert found(site, {"q": "zanzibar"}) == ["llama-2-7b", "olmo-7b"]
    # An ordering asked for still wins over the match.
    assert found(site, {"q": "zanzibar", "ordering": "-g7"}) == ["olmo-7b", "llama-2-7b"]


def test_a_search_is_listed_best_match_first_on_the_directory_too(site):
    response = site.get("/", {"q": "pythia"})
    assert '<option value="" selected>Best match first</option>' in response.text
    assert "aria-sort=" not in response.text
    # Without a search there is no best match to sort by.
    assert "Best match first" not in site.get("/").text


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("OLMo-7B-hf", "olmo-7b"),  # part of allenai/OLMo-7B-hf, in neither name nor slug
        ("allenai/OLMo-7B-hf", "olmo-7b"),  # a whole id: the entry that tracks it
        ("Llama-3.3-70B-Instruct", "llama-3.3-70b-instruct"),
        ("meta-llama", "llama-3.1-8b"),
    ],
)
def test_a_search_finds_a_model_by_its_hugging_face_repo_id_or_part_of_it(site, text, slug):
    assert slug in found(site, {"q": text})
    assert f'id="cmp-{slug}"' in site.get("/", {"q": text}).text


def test_a_search_finds_a_machine_read_entry_by_part_of_its_repo_id(site):
    meta = Organization.objects.get(slug="meta")
    entry = AIModel.objects.create(
        slug="hub-robot-policy", name="Robot Policy", family="Robot", organization=meta,
        release_date="2025-01-01", modality="robotics", kind="unknown",
        hf_repos=["someone/Tiny-Robot-Policy-Distilled"],
        review_status=AIModel.ReviewStatus.MACHINE_READ,
    )  # fmt: skip
    matches = filtering.search(AIModel.objects.filter(pk=entry.pk), "Policy-Distilled")
    assert list(matches.values_list("slug", flat=True)) == ["hub-robot-policy"]
    assert not filtering.search(AIModel.objects.filter(pk=entry.pk), "Policy-Undistilled")


def test_the_search_follows_a_renamed_organisation_and_changed_repo_ids(site):
    ai2 = Organization.objects.get(slug="ai2")
    ai2.name = "Quahog Research"
    ai2.save()
    assert "olmo-7b" in found(site, {"q": "quahog"})
    olmo = AIModel.objects.get(slug="olmo-7b")
    olmo.hf_repos = ["allenai/Walrus-Base"]
    olmo.save()
    assert found(site, {"q": "walrus"}) == ["olmo-7b"]
    assert "olmo-7b" not in found(site, {"q": "OLMo-7B-hf"})


def test_the_word_search_finds_each_word_in_any_field_name_matches_first(site):
    """The search of the embedded default (SQLite), which has no search vector."""
    _zanzibar_in_llamas_name_and_olmos_description()
    matches = filtering.search_by_words(selectors.ranking(), "zanzibar 7b")
    ranked = filtering.order(matches, "")
    assert list(ranked.values_list("slug", flat=True)) == ["llama-2-7b", "olmo-7b"]
    by_repo = filtering.search_by_words(selectors.ranking(), "OLMo-7B-hf")
    assert list(by_repo.values_list("slug", flat=True)) == ["olmo-7b"]


def test_the_site_searches_by_the_vector_on_postgresql_and_by_words_elsewhere(site):
    assert "pythia-12b" in found(site, {"q": "Pythia 12b"})
    assert "olmo-7b" in found(site, {"q": "OLMo-7B-hf"})
    by_vendor = {"postgresql": filtering.search_by_vector}.get(
        connection.vendor, filtering.search_by_words
    )
    slugs = lambda queryset: sorted(queryset.values_list("slug", flat=True))  # noqa: E731
    assert slugs(filtering.search(selectors.ranking(), "pythia")) == slugs(
        by_vendor(selectors.ranking(), "pythia")
    )


@pytest.mark.postgres
def test_the_search_vector_has_a_gin_index_that_the_search_reads(site):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'aimodel_search_idx'")
        [(definition,)] = cursor.fetchall()
        assert "USING gin (search_vector)" in definition
        queryset = filtering.search(AIModel.objects.all(), "pythia").values("pk")
        sql, params = queryset.query.sql_with_params()
        # A catalogue of a few hundred rows is read whole; asked not to, the planner takes the
        # index, which a catalogue of a hundred thousand needs.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "aimodel_search_idx" in plan


def test_a_search_costs_the_same_queries_as_any_filtered_list(site):
    found(site, {"q": "llama"})  # the count is cached per data version and query
    with CaptureQueriesContext(connection) as plain:
        found(site, {"label": "closed"})
    with CaptureQueriesContext(connection) as searched:
        found(site, {"q": "llama"})
    assert len(searched) <= len(plain) + 1


def test_the_schemas_model_list_parameters_are_the_filtersets(site):
    spec = yaml.safe_load(SCHEMA.read_text())
    parameters = spec["paths"]["/api/v1/models/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert names == {*ModelFilterSet.base_filters, "page", "page_size"}
    choices = {p["name"]: p["schema"].get("items", p["schema"]).get("enum") for p in parameters}
    assert choices["restriction"] == sorted(clauses.RESTRICTIONS)
    assert choices["ordering"] == ["", *sorted(value for value, _ in filtering.ORDERINGS)]


def test_the_directory_form_offers_the_filtersets_choices(site):
    text = site.get("/").text
    for value, name in ModelFilterSet.base_filters["size"].extra["choices"]:
        assert f'<option value="{value}">{name}</option>' in text
    for value, name in filtering.ORDERINGS:
        assert f'<option value="{value}"' in text and f">{name}</option>" in text


def test_every_malformed_parameter_is_named_in_one_400(site):
    response = site.get("/api/v1/models/", {"label": "open", "size": "huge"})
    assert response.status_code == 400
    assert sorted(response.json()) == ["label", "size"]
    # A malformed parameter beside an unknown organisation is a 400, naming both.
    response = site.get("/api/v1/models/", {"label": "open", "organization": "nobody"})
    assert response.status_code == 400
    assert response.json()["organization"] == ["unknown organisation 'nobody'"]
