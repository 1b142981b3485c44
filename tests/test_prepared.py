"""Prepared queries: compiled once, run with new values, and giving what the ORM gives."""

import threading

import pytest
from django.db.models import F

from catalog import selectors
from catalog.models import AIModel, Assessment
from catalog.prepared import Prepared

pytestmark = pytest.mark.django_db

SLUG_OF = Prepared(
    lambda pk: AIModel.objects.filter(pk=pk).values("slug", organisation=F("organization__slug")),
    -7,
)
ASSESSMENTS = Prepared(
    lambda pk, component: Assessment.objects.filter(model_id=pk, component=component), -7, "\x00"
)


def fields_of(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_rows_are_the_orm_values_for_each_run_values(catalogue_with_scores):
    for model in AIModel.objects.select_related("organization"):
        assert SLUG_OF.rows(model.pk) == [
            {"slug": model.slug, "organisation": model.organization.slug}
        ]
    assert SLUG_OF.rows(-1) == []


def test_instances_carry_every_field_converted_as_the_orm_converts_it(catalogue_with_scores):
    assessment = Assessment.objects.exclude(evidence=[]).first()
    [prepared] = ASSESSMENTS.instances(assessment.model_id, assessment.component)
    assert fields_of(prepared) == fields_of(assessment)
    assert isinstance(prepared.evidence, list) and prepared.assessed_at == assessment.assessed_at
    assert prepared._state.adding is False


def test_instances_carry_their_related_models_and_annotations(catalogue_with_scores):
    # Fine-tunes (a base model), models without one, and the flags of related records.
    for model in selectors.detail_rows():
        row = selectors.published_detail_row(model.slug)
        assert fields_of(row) == fields_of(model)
        assert fields_of(row.organization) == fields_of(model.organization)
        if model.base_model_id is None:
            assert row.base_model is None
        else:
            assert fields_of(row.base_model) == fields_of(model.base_model)
        for name in model.__dict__:
            if name.endswith(("_verdict", "_score")) or name.startswith("has_"):
                assert getattr(row, name) == getattr(model, name), (model.slug, name)


# Committed, for the other thread to see; serialized_rollback keeps what migrations wrote.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_thread_runs_on_its_own_connection(catalogue_with_scores):
    model = AIModel.objects.first()
    found = []

    def read():
        from django.db import connection

        try:
            found.append(SLUG_OF.rows(model.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == [SLUG_OF.rows(model.pk)]


def test_a_stand_in_that_is_not_a_parameter_of_its_own_is_refused(db):
    twice = Prepared(lambda pk: AIModel.objects.filter(pk=pk, base_model_id=pk), -7)
    with pytest.raises(ValueError, match="stand-in"):
        twice.rows(1)
    absent = Prepared(lambda pk: AIModel.objects.filter(pk=1), -7)
    with pytest.raises(ValueError, match="stand-in"):
        absent.rows(2)


def test_a_read_of_every_relation_is_refused_rather_than_left_to_lazy_reads(db):
    every = Prepared(lambda pk: AIModel.objects.select_related().filter(pk=pk), -7)
    with pytest.raises(ValueError, match="select_related"):
        every.instances(1)
