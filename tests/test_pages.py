"""The public pages of the foundation: the catalogue list and a model page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import AIModel
from catalog.services import load_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(fixture_catalogue):
    report = load_catalogue(fixture_catalogue)
    assert report.ok, report.problems


def test_the_home_page_lists_the_catalogue(client, loaded):
    response = client.get(reverse("catalog:model-list"))
    assert response.status_code == 200
    assert "Example Base 7B" in response.text
    assert "Example Chat 7B" in response.text
    assert 'href="/models/example-base-7b/"' in response.text


def test_drafts_are_not_public(client, loaded):
    AIModel.objects.filter(slug="example-7b-chat").update(status=AIModel.Status.DRAFT)
    assert "Example Chat 7B" not in client.get(reverse("catalog:model-list")).text
    assert client.get("/models/example-7b-chat/").status_code == 404


def test_the_list_runs_the_same_queries_however_many_models(client, loaded, fixture_catalogue):
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalog:model-list"))
    base = AIModel.objects.get(slug="example-base-7b")
    for number in range(10):
        clone = AIModel.objects.get(pk=base.pk)
        assessments = list(base.assessments.all())
        clone.pk, clone.slug = None, f"clone-{number}"
        clone.save()
        for assessment in assessments:
            assessment.pk, assessment.model = None, clone
            assessment.save()
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("catalog:model-list"))
    assert "clone-9" in response.text
    assert len(many) == len(few)


def test_a_model_page_shows_each_component_with_its_evidence(client, loaded):
    response = client.get("/models/example-7b-chat/")
    assert response.status_code == 200
    assert "Final weights" in response.text
    assert "https://example.org/architecture" in response.text
    assert "LicenseRef-example-community" in response.text
    assert "2026-02-03 by second-curator" in response.text
    assert 'href="/models/example-base-7b/"' in response.text  # lineage


def test_an_unknown_model_is_a_404(client, loaded):
    assert client.get("/models/no-such-model/").status_code == 404
