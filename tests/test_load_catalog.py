"""Loading and exporting the catalogue against the database."""

import io
import json

import pytest
import yaml
from django.core import serializers
from django.core.management import CommandError, call_command

from catalog.models import AIModel, Assessment, Change, License, Organization
from catalog.sync import export_catalogue, load_catalogue

pytestmark = pytest.mark.django_db


def database_state():
    """Everything the catalogue describes, as comparable JSON (history and timestamps aside)."""
    rows = []
    for queryset in (
        Organization.objects.order_by("slug"),
        License.objects.order_by("identifier"),
        AIModel.objects.order_by("slug"),
        Assessment.objects.order_by("model__slug", "component"),
    ):
        for row in json.loads(serializers.serialize("json", queryset)):
            row["fields"].pop("created_at", None)
            row["fields"].pop("updated_at", None)
            rows.append(row)
    return rows


def load(directory, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_catalog", str(directory), stdout=out, stderr=err, **options)
    return out.getvalue()


def edit(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_it_loads_the_fixture_catalogue(fixture_catalogue):
    output = load(fixture_catalogue)
    assert "2 created" in output
    assert Organization.objects.get(slug="example-lab").country == "GB"
    chat = AIModel.objects.get(slug="example-7b-chat")
    assert chat.base_model.slug == "example-base-7b"
    assert chat.assessments.count() == 20
    card = chat.assessments.get(component="doc_model_card")
    assert (card.assessed_by, card.assessed_at.isoformat()) == ("second-curator", "2026-02-03")
    weights = AIModel.objects.get(slug="example-base-7b").assessments.get(component="architecture")
    assert weights.license.identifier == "Apache-2.0"
    assert weights.evidence == ["https://example.org/architecture"]
    assert License.objects.get(identifier="LicenseRef-example-community").mau_cap == 700_000_000


def test_loading_twice_changes_nothing(fixture_catalogue):
    load(fixture_catalogue)
    state, changes = database_state(), Change.objects.count()
    output = load(fixture_catalogue)
    assert "0 created, 0 updated, 2 unchanged" in output
    assert database_state() == state
    assert Change.objects.count() == changes


def test_history_records_who_and_why_for_each_load(fixture_catalogue):
    load(fixture_catalogue)
    created = Change.objects.get(subject="assessment", subject_key="example-base-7b/weights_final")
    assert created.action == "created"
    assert created.actor == "catalogue"
    assert created.reason == "Loaded from data/models/example-base-7b.yaml"
    assert created.before is None

    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(
        path,
        lambda d: d["components"]["weights_final"].update(availability="partial", note="Gated."),
    )
    load(fixture_catalogue)
    updated = Change.objects.filter(subject_key="example-base-7b/weights_final").first()
    assert updated.action == "updated"
    assert updated.before["availability"] == "none"
    assert updated.after["availability"] == "partial"
    assert updated.after["note"] == "Gated."
    assert updated.changed_fields == ["availability", "note"]
    # Only the changed assessment is filed again.
    assert Change.objects.filter(action="updated").count() == 1


def test_load_export_load_round_trips(fixture_catalogue, tmp_path):
    load(fixture_catalogue)
    state = database_state()
    exported = tmp_path / "exported"
    assert len(export_catalogue(exported).written) == 2

    AIModel.objects.filter(base_model__isnull=False).delete()
    AIModel.objects.all().delete()
    License.objects.all().delete()
    Organization.objects.all().delete()
    report = load_catalogue(exported)
    assert report.ok, report.problems
    assert strip_ids(database_state()) == strip_ids(state)

    # Exporting again writes the very same bytes.
    again = tmp_path / "again"
    export_catalogue(again)
    for path in exported.rglob("*.yaml"):
        assert (again / path.relative_to(exported)).read_text() == path.read_text()


def test_export_keeps_a_file_that_failed_to_load_and_names_it(fixture_catalogue):
    broken = fixture_catalogue / "models" / "new-model.yaml"
    broken.write_text("slug: new-model\nname: [not, finished\n")
    assert not load_catalogue(fixture_catalogue).ok

    out = io.StringIO()
    call_command("export_catalog", str(fixture_catalogue), stdout=out)
    assert broken.read_text() == "slug: new-model\nname: [not, finished\n"
    assert "data/models/new-model.yaml matches no model in the database; kept" in out.getvalue()


def test_export_keeps_the_file_of_a_model_deleted_from_the_database(fixture_catalogue):
    load(fixture_catalogue)
    AIModel.objects.get(slug="example-7b-chat").delete()
    report = export_catalogue(fixture_catalogue)
    assert (fixture_catalogue / "models" / "example-7b-chat.yaml").exists()
    assert report.unmatched == ["data/models/example-7b-chat.yaml"]
    assert len(report.written) == 1


def test_export_writes_a_model_back_to_the_file_it_was_loaded_from(fixture_catalogue):
    original = fixture_catalogue / "models" / "example-base-7b.yaml"
    moved = fixture_catalogue / "models" / "example-lab" / "example-base-7b.yaml"
    moved.parent.mkdir()
    original.rename(moved)
    load(fixture_catalogue)
    AIModel.objects.filter(slug="example-base-7b").update(description="Edited.")

    export_catalogue(fixture_catalogue)
    assert not original.exists()
    assert "Edited." in moved.read_text()
    assert load_catalogue(fixture_catalogue).ok


def strip_ids(rows):
    """Rows with database ids replaced by natural keys, for comparing across reloads."""
    by_pk = {(row["model"], row["pk"]): row for row in rows}

    def key_of(model, pk):
        if pk is None:
            return None
        row = by_pk[(model, pk)]["fields"]
        return row.get("slug") or row.get("identifier")

    out = []
    for row in rows:
        fields = dict(row["fields"])
        if row["model"] == "catalog.aimodel":
            fields["organization"] = key_of("catalog.organization", fields["organization"])
            fields["base_model"] = key_of("catalog.aimodel", fields["base_model"])
        if row["model"] == "catalog.assessment":
            fields["model"] = key_of("catalog.aimodel", fields["model"])
            fields["license"] = key_of("catalog.license", fields["license"])
        out.append((row["model"], fields))
    return out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["components"].update(weights_leaked={"availability": "full"}),
            "data/models/example-base-7b.yaml: components.weights_leaked: unknown component 'weights_leaked'",
        ),
        (
            lambda d: d["components"]["weights_final"].update(license="Llama-Forever"),
            "data/models/example-base-7b.yaml: components.weights_final.license: unknown licence 'Llama-Forever'",
        ),
        (
            lambda d: d["components"]["weights_final"].pop("evidence"),
            "data/models/example-base-7b.yaml: components.weights_final.evidence: "
            "availability 'none' needs at least one evidence URL",
        ),
        (
            lambda d: d["components"]["weights_final"].update(evidence=["huggingface.co/x"]),
            "data/models/example-base-7b.yaml: components.weights_final.evidence[0]: "
            "'huggingface.co/x' is not a well-formed http(s) URL",
        ),
    ],
    ids=["unknown-component", "unknown-licence", "no-evidence", "malformed-url"],
)
def test_a_bad_file_is_rejected_and_the_database_is_left_as_it_was(
    fixture_catalogue, change, expected
):
    load(fixture_catalogue)
    state, changes = database_state(), Change.objects.count()
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: (d.update(name="Renamed in a bad file"), change(d)))

    with pytest.raises(CommandError):
        load(fixture_catalogue)
    report = load_catalogue(fixture_catalogue)
    assert [str(problem) for problem in report.problems] == [expected]
    assert database_state() == state
    assert Change.objects.count() == changes


def test_a_bad_new_file_loads_nothing(fixture_catalogue):
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: d["components"]["code_training"].update(evidence=["not a url"]))
    report = load_catalogue(fixture_catalogue)
    assert not AIModel.objects.filter(slug="example-base-7b").exists()
    assert not Assessment.objects.filter(model__slug="example-base-7b").exists()
    # Its derivative cannot load without it, and says why.
    assert [str(p) for p in report.problems][-1] == (
        "data/models/example-7b-chat.yaml: base_model: unknown model 'example-base-7b': "
        "not in the database and not loaded from any file"
    )
    assert not AIModel.objects.exists()


def test_two_files_with_one_slug_are_both_rejected_and_neither_loads(fixture_catalogue):
    original = fixture_catalogue / "models" / "example-base-7b.yaml"
    copy = fixture_catalogue / "models" / "more" / "example-base-7b.yaml"
    copy.parent.mkdir()
    copy.write_text(original.read_text().replace("Example Base 7B", "Impostor"))
    report = load_catalogue(fixture_catalogue)
    problems = [str(p) for p in report.problems]
    assert problems[:2] == [
        "data/models/example-base-7b.yaml: slug: 'example-base-7b' is also the slug of "
        "data/models/more/example-base-7b.yaml: which file is the model is ambiguous",
        "data/models/more/example-base-7b.yaml: slug: 'example-base-7b' is also the slug of "
        "data/models/example-base-7b.yaml: which file is the model is ambiguous",
    ]
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


def test_it_rejects_a_duplicate_key_naming_the_file_the_key_and_the_line(fixture_catalogue):
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    path.write_text(path.read_text().replace("family: Example\n", "family: Example\nname: Other\n"))
    report = load_catalogue(fixture_catalogue)
    assert (
        "data/models/example-base-7b.yaml: line 5: not valid YAML: the key 'name' appears "
        "twice in one mapping (first on line 2)" in [str(p) for p in report.problems]
    )
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


def test_it_rejects_a_duplicate_key_in_the_licences_file(fixture_catalogue):
    path = fixture_catalogue / "licenses.yaml"
    text = path.read_text()
    first_name = next(line for line in text.splitlines() if line.startswith("  name:"))
    path.write_text(text.replace(first_name, f"{first_name}\n{first_name}", 1))
    report = load_catalogue(fixture_catalogue)
    assert any(
        str(p).startswith("data/licenses.yaml: line ") and "the key 'name' appears twice" in str(p)
        for p in report.problems
    ), report.problems
    assert not License.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(release_date="2099-01-01"),
            "data/models/example-base-7b.yaml: release_date: '2099-01-01' is in the future",
        ),
        (
            lambda d: d.update(assessed_at="2099-01-01"),
            "data/models/example-base-7b.yaml: assessed_at: '2099-01-01' is in the future",
        ),
        (
            lambda d: d["components"]["weights_final"].update(assessed_at="2099-01-01"),
            "data/models/example-base-7b.yaml: components.weights_final.assessed_at: "
            "'2099-01-01' is in the future",
        ),
    ],
)
def test_it_rejects_a_date_in_the_future(fixture_catalogue, change, expected):
    edit(fixture_catalogue / "models" / "example-base-7b.yaml", change)
    report = load_catalogue(fixture_catalogue)
    assert expected in [str(p) for p in report.problems]
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


def test_it_rejects_an_oversized_file_before_reading_it(fixture_catalogue, monkeypatch):
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    with path.open("a") as file:
        file.write("# padding\n" * 120_000)
    parse = yaml.load

    def parse_small_only(text, *args, **kwargs):
        assert len(text) < 1_000_000, "an oversized file was parsed"
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(yaml, "load", parse_small_only)
    report = load_catalogue(fixture_catalogue)
    size = path.stat().st_size
    assert (
        f"data/models/example-base-7b.yaml: {size} bytes; a catalogue file may have at most "
        "1000000 bytes" in [str(p) for p in report.problems]
    )
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


def test_it_rejects_a_file_not_named_after_its_slug(fixture_catalogue):
    original = fixture_catalogue / "models" / "example-base-7b.yaml"
    original.rename(original.with_name("example-base.yaml"))
    report = load_catalogue(fixture_catalogue)
    assert (
        "data/models/example-base.yaml: slug: 'example-base-7b' does not match the file name; "
        "name it example-base-7b.yaml" in [str(p) for p in report.problems]
    )
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


@pytest.mark.parametrize("url", ["ftp://example.org/card.md", "javascript:alert(1)"])
def test_it_rejects_evidence_that_is_not_http_or_https(fixture_catalogue, url):
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: d["components"]["weights_final"].update(evidence=[url]))
    report = load_catalogue(fixture_catalogue)
    assert (
        f"data/models/example-base-7b.yaml: components.weights_final.evidence[0]: {url!r} is "
        "not a well-formed http(s) URL"
    ) in [str(p) for p in report.problems]
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


def test_it_refuses_two_files_that_name_each_other_as_base(fixture_catalogue):
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: d.update(base_model="example-7b-chat"))
    report = load_catalogue(fixture_catalogue)
    assert [str(p) for p in report.problems] == [
        "data/models/example-7b-chat.yaml: base_model: lineage cycle: example-7b-chat is built "
        "on example-base-7b, which is built on example-7b-chat",
        "data/models/example-base-7b.yaml: base_model: lineage cycle: example-base-7b is built "
        "on example-7b-chat, which is built on example-base-7b",
    ]
    assert not AIModel.objects.exists()


def test_it_refuses_a_base_that_would_close_a_cycle_through_the_database(fixture_catalogue):
    load(fixture_catalogue)
    state = database_state()
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: d.update(base_model="example-7b-chat"))
    report = load_catalogue(fixture_catalogue)
    assert [str(p) for p in report.problems] == [
        "data/models/example-base-7b.yaml: base_model: lineage cycle: example-base-7b is built "
        "on example-7b-chat, which is built on example-base-7b"
    ]
    assert database_state() == state


def test_it_refuses_a_model_that_is_its_own_base(fixture_catalogue):
    load(fixture_catalogue)
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: d.update(base_model="example-base-7b"))
    report = load_catalogue(fixture_catalogue)
    assert [str(p) for p in report.problems] == [
        "data/models/example-base-7b.yaml: base_model: a model cannot be its own base"
    ]
    assert AIModel.objects.get(slug="example-base-7b").base_model is None


def test_a_licence_that_is_not_text_is_a_problem_not_a_crash(fixture_catalogue):
    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    data = yaml.safe_load(path.read_text())
    data["components"]["weights_final"]["license"] = ["Apache-2.0", "MIT"]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    report = load_catalogue(fixture_catalogue)
    assert (
        "data/models/example-base-7b.yaml: components.weights_final.license: must be a licence "
        "id, not a list"
    ) in [str(p) for p in report.problems]
    assert not AIModel.objects.filter(slug="example-base-7b").exists()


def test_a_bad_licences_file_loads_none_of_its_licences(fixture_catalogue):
    path = fixture_catalogue / "licenses.yaml"
    path.write_text(path.read_text().replace("osi_approved: true", "osi_approved: maybe"))
    report = load_catalogue(fixture_catalogue)
    assert "data/licenses.yaml: [0].osi_approved: must be true or false, not 'maybe'" in [
        str(p) for p in report.problems
    ]
    assert not License.objects.exists()
    assert not AIModel.objects.exists()  # the models name licences that did not load


def test_it_keeps_a_curators_edit_unless_told_to_overwrite(fixture_catalogue, django_user_model):
    from catalog import history

    load(fixture_catalogue)
    assessment = Assessment.objects.get(model__slug="example-base-7b", component="code_training")
    before = history.state_of(assessment)
    assessment.availability = "full"
    assessment.save()
    history.record(assessment, before=before, actor="alice", reason="Code found on GitHub")

    path = fixture_catalogue / "models" / "example-base-7b.yaml"
    edit(path, lambda d: d.update(description="Changed in the file."))
    report = load_catalogue(fixture_catalogue)
    assert report.kept and report.kept[0][0] == "data/models/example-base-7b.yaml"
    assert "changed by alice" in report.kept[0][1]
    assessment.refresh_from_db()
    assert assessment.availability == "full"

    report = load_catalogue(fixture_catalogue, overwrite=True)
    assert report.updated == ["example-base-7b"]
    assessment.refresh_from_db()
    assert assessment.availability == "none"
    assert AIModel.objects.get(slug="example-base-7b").description == "Changed in the file."


@pytest.mark.parametrize(
    "model, key, field, value",
    [
        (License, "Apache-2.0", "note", "Checked against the text by Alice."),
        (Organization, "example-lab", "name", "Example Lab (renamed by Alice)"),
    ],
)
def test_it_keeps_a_curators_licence_or_organisation_edit_unless_told_to_overwrite(
    fixture_catalogue, model, key, field, value
):
    from catalog import history

    load(fixture_catalogue)
    lookup = {"identifier": key} if model is License else {"slug": key}
    row = model.objects.get(**lookup)
    before = history.state_of(row)
    setattr(row, field, value)
    row.save()
    history.record(row, before=before, actor="alice", reason="Edited in the admin")

    report = load_catalogue(fixture_catalogue)
    assert report.ok, report.problems
    file = "data/licenses.yaml" if model is License else "data/organizations.yaml"
    assert [(f, why.split(" was changed")[0]) for f, why in report.kept] == [(file, key)]
    assert "by alice" in report.kept[0][1]
    assert getattr(model.objects.get(**lookup), field) == value

    report = load_catalogue(fixture_catalogue, overwrite=True)
    assert report.kept == []
    assert getattr(model.objects.get(**lookup), field) != value


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            lambda d: d.update(name="x" * 201),
            "data/models/example-base-7b.yaml: name: is 201 characters long; at most 200",
        ),
        (
            lambda d: d.update(slug="x" * 101),
            "data/models/example-base-7b.yaml: slug: is 101 characters long; at most 100",
        ),
        (
            lambda d: d.update(homepage="https://example.org/" + "x" * 500),
            "data/models/example-base-7b.yaml: homepage: is 520 characters long; at most 500",
        ),
        (
            lambda d: d.update(description="Nul\x00here"),
            "data/models/example-base-7b.yaml: description: must not contain a NUL character",
        ),
        (
            lambda d: d["components"]["weights_final"].update(note="a\x00b"),
            "data/models/example-base-7b.yaml: components.weights_final.note: must not contain a "
            "NUL character",
        ),
    ],
)
def test_oversized_or_nul_text_in_a_file_is_a_problem_not_a_crash(
    fixture_catalogue, change, expected
):
    edit(fixture_catalogue / "models" / "example-base-7b.yaml", change)
    report = load_catalogue(fixture_catalogue)
    assert expected in [str(p) for p in report.problems]
    assert not AIModel.objects.filter(name__startswith="xxx").exists()


def test_an_oversized_licence_name_is_a_problem_not_a_crash(fixture_catalogue):
    path = fixture_catalogue / "licenses.yaml"
    data = yaml.safe_load(path.read_text())
    data[0]["name"] = "x" * 201
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    report = load_catalogue(fixture_catalogue)
    assert "data/licenses.yaml: [0].name: is 201 characters long; at most 200" in [
        str(p) for p in report.problems
    ]
