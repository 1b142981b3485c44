"""The licence clause registry (catalog/clauses.py) and everything derived from it agree."""

import dataclasses
import html
import re

import pytest
from django.conf import settings
from django.db import models

from catalog import catalogue, clauses
from catalog.api.serializers import ClausesSerializer
from catalog.frameworks.evidence import LicenseTerms
from catalog.models import License

# License fields that describe the licence as a whole rather than one of its clauses.
NOT_CLAUSES = {"osi_approved", "open_data", "open_content", "commercial_use"}


def test_every_clause_field_of_a_license_has_a_registry_entry_and_each_entry_a_field():
    fields = {
        field.name
        for field in License._meta.concrete_fields
        if isinstance(field, models.BooleanField | models.PositiveBigIntegerField)
    }
    assert fields - NOT_CLAUSES == set(clauses.FLAGS)


def test_a_clause_field_takes_its_label_and_help_text_from_the_registry():
    for clause in clauses.CLAUSES:
        field = License._meta.get_field(clause.flag)
        assert field.verbose_name == clause.name
        assert field.help_text == clause.describe()
        assert field.null == clause.cap


def test_the_frameworks_read_every_restrictive_clause_from_licence_terms():
    terms_fields = {field.name for field in dataclasses.fields(LicenseTerms)}
    assert set(clauses.RESTRICTIONS) <= terms_fields
    assert "attribution" not in clauses.RESTRICTIONS  # a duty, not a restriction


def test_licence_terms_list_their_clauses_in_registry_order():
    every = {c.flag: (700 if c.cap else True) for c in clauses.RESTRICTIVE}
    terms = LicenseTerms("LicenseRef-all", "All", osi_approved=False, **every)
    assert terms.restrictions == clauses.RESTRICTIONS
    assert LicenseTerms("MIT", "MIT", osi_approved=True).restrictions == ()


def test_a_user_cap_is_described_with_its_number_or_in_general():
    cap = clauses.get("mau_cap")
    assert cap.describe(700_000_000) == (
        "User cap: a separate licence is needed above 700,000,000 monthly active users"
    )
    assert "a stated number of monthly active users" in cap.describe()
    assert cap.is_in(LicenseTerms("X", "X", osi_approved=False, mau_cap=0))
    assert not cap.is_in(LicenseTerms("X", "X", osi_approved=False))


def test_the_use_restrictions_are_restrictive_clauses():
    assert set(clauses.USE_RESTRICTIONS) <= set(clauses.RESTRICTIONS)
    assert "mau_cap" in clauses.USE_RESTRICTIONS
    assert "name_prefix" not in clauses.USE_RESTRICTIONS


def test_the_catalogue_format_accepts_every_clause_and_no_other():
    assert sorted(catalogue.CLAUSE_KEYS) == sorted(clauses.FLAGS)


def test_the_api_gives_every_clause_in_registry_order():
    assert list(ClausesSerializer().fields) == list(clauses.FLAGS)


def test_the_catalogue_guide_documents_every_clause():
    guide = (settings.CATALOG_DIR / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \| (?:a number|true when)", guide, re.M))
    assert documented == set(clauses.FLAGS)


@pytest.fixture
def every_clause(db):
    return License.objects.create(
        identifier="LicenseRef-every-clause",
        name="A licence with every clause",
        url="https://example.org/every-clause",
        osi_approved=False,
        category=License.Category.MODEL,
        commercial_use=True,
        source="https://example.org/every-clause",
        **{c.flag: (1_000 if c.cap else True) for c in clauses.CLAUSES},
    )


def test_every_restrictive_clause_appears_on_the_licence_page(client, every_clause):
    text = html.unescape(client.get("/licences/LicenseRef-every-clause/").text)
    for clause in clauses.RESTRICTIVE:
        row = text.split(f'<th scope="row">{clause.name}</th>')[1].split("</tr>")[0]
        assert "Yes" in row
        assert clause.describe(1_000) in row
        assert ("(restricts use)" in row) == clause.restricts_use


def test_every_restrictive_clause_is_a_filter_of_the_directory(client, every_clause):
    text = html.unescape(client.get("/").text)
    for clause in clauses.RESTRICTIVE:
        assert f'<option value="{clause.flag}">{clause.name}</option>' in text


def test_every_restrictive_clause_appears_on_the_methodology_page(client, db):
    text = html.unescape(client.get("/methodology/").text)
    for clause in clauses.RESTRICTIVE:
        assert f"{clause.name} <code" in text
        assert clause.describe() in text


def test_every_clause_appears_in_the_api(client, every_clause):
    body = client.get("/api/v1/licenses/LicenseRef-every-clause/").json()
    assert body["clauses"] == {c.flag: (1_000 if c.cap else True) for c in clauses.CLAUSES}
    assert body["restrictions"] == list(clauses.RESTRICTIONS)
