"""Every list page runs the same number of queries however many models the catalogue holds."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import AIModel
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
    # The data version (kept in the database), its version, the model and its assessments, its
    # snapshots, corrections, derivatives, hub records and other indexes' entries (and its
    # release licences, when it has any); a fine-tune's ancestors, two more.
    assert len(queries) == (9 if slug == "example-base-7b" else 11), queries
    _clone(AIModel.objects.get(slug="example-7b-chat"), 5)  # more derivatives of the base
    rescore(None)
    client.get(f"/models/{slug}/")
    assert len(_model_page_queries(client, slug)) == len(queries)
