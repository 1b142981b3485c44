"""Every list page runs the same number of queries however many models the catalogue holds."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import AIModel, Correction, HubRecord
from catalog.scoring import rescore

pytestmark = pytest.mark.django_db


def _clone(base, count):
    assessments = list(base.assessments.all())
    for number in range(count):
        clone = AIModel.objects.get(pk=base.pk)
        clone.pk, clone.slug, clone.name = None, f"clone-{number}", f"Clone {number}"
        clone.save()
        for assessment in assessments:
            assessment.pk, assessment.model = None, clone
            assessment.save()


def _queries(client, path):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return response, len(queries)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?label=closed&ordering=-index",
        "/?q=example&restriction=mau_cap",
        "/?page=2",
        "/licences/",
        "/licences/LicenseRef-example-community/",
        "/organisations/",
        "/organisations/example-lab/",
        "/changes/",
        "/chart/",
        "/compare/?models=example-base-7b,example-7b-chat",
    ],
)
def test_list_pages_run_the_same_queries_however_many_models(client, catalogue_with_scores, path):
    _, few = _queries(client, path)
    _clone(AIModel.objects.get(slug="example-7b-chat"), 60)
    rescore(None)
    response, many = _queries(client, path)
    assert many == few, path
    if path == "/":
        assert "clone-" in response.text


def test_the_directory_reads_cell_states_the_scorer_stored_not_assessments(
    client, catalogue_with_scores
):
    from catalog import selectors

    models = selectors.attach_component_states(
        AIModel.objects.filter(slug__in=["example-base-7b", "example-7b-chat"])
    )  # no stored states on plain models: computed from the assessments
    stored = {
        m.slug: m.states
        for m in selectors.attach_component_states(
            selectors.directory().filter(slug__in=["example-base-7b", "example-7b-chat"])
        )
    }
    assert {m.slug: m.states for m in models} == stored
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not any("catalog_assessment" in q["sql"] for q in queries.captured_queries)


def test_a_rankings_total_is_counted_once_for_each_data_version(
    client, catalogue_with_scores, settings, django_capture_on_commit_callbacks
):
    from catalog import history, publishing

    settings.PAGE_CACHE_SECONDS = 0  # whole answers are not kept: only the totals

    def counts(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return sum("COUNT(*)" in q["sql"] for q in queries.captured_queries)

    cache.clear()
    assert counts("/api/v1/models/?label=closed") == 1
    assert counts("/api/v1/models/?label=closed") == 0
    assert counts("/?label=closed") == 0  # the same ranking, the same total
    assert counts("/api/v1/models/?label=open-weights") == 1  # another query, another total
    model = AIModel.objects.get(slug="example-7b-chat")
    before = history.state_of(model)
    model.name = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        model.save()
        history.record(model, before=before, actor="alice", reason="A new name")
        publishing.evidence_changed(publishing.models_scored_from(model))
    assert counts("/api/v1/models/?label=closed") == 1


def _model_page_queries(client, slug):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/models/{slug}/")
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("slug", ["example-base-7b", "example-7b-chat"])
def test_a_model_page_is_built_in_a_fixed_number_of_queries(
    client, catalogue_with_scores, settings, slug
):
    settings.PAGE_CACHE_SECONDS = 0  # built on every request, as after a data change
    cache.clear()
    client.get(f"/models/{slug}/")  # works out the data version and the licences' terms
    queries = _model_page_queries(client, slug)
    # Its validators (the data version and when a hub last read it), the model, its
    # assessments and its snapshots; then only the related records it has (the base model has
    # derivatives) and, when it has any, its release licences; a fine-tune's ancestors, two more.
    assert len(queries) == (5 if slug == "example-base-7b" else 6), queries
    _clone(AIModel.objects.get(slug="example-7b-chat"), 5)  # more derivatives of the base
    rescore(None)
    client.get(f"/models/{slug}/")
    assert len(_model_page_queries(client, slug)) == len(queries)


def test_a_model_page_reads_each_kind_of_related_record_only_when_the_model_has_some(
    client, catalogue_with_scores, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/models/example-7b-chat/")
    without = _model_page_queries(client, "example-7b-chat")
    model = AIModel.objects.get(slug="example-7b-chat")
    HubRecord.objects.create(model=model, hub=HubRecord.Hub.HUGGINGFACE, repo_id="example/chat")
    Correction.objects.create(
        model=model, date=datetime.date(2026, 1, 2), subject="weights_final", before="a", after="b",
        reason="The card says so.",
    )  # fmt: skip
    rescore(None)
    client.get("/models/example-7b-chat/")
    with_records = _model_page_queries(client, "example-7b-chat")
    tables = [HubRecord._meta.db_table, Correction._meta.db_table]
    # Read as records now, where before only asked about (EXISTS) in the model's row.
    assert len(with_records) == len(without) + 2
    for table in tables:
        assert not any(sql.startswith(f'SELECT "{table}".') for sql in without)
        assert any(sql.startswith(f'SELECT "{table}".') for sql in with_records)


def test_a_model_page_or_detail_revalidated_by_its_etag_costs_one_query(
    client, catalogue_with_scores
):
    for path in ["/models/example-7b-chat/", "/api/v1/models/example-7b-chat/"]:
        etag = client.get(path)["ETag"]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]
