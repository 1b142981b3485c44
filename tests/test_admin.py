"""The admin is the curators' tool: evidence is required, and every save is filed with a reason."""

import pytest
from django.urls import reverse

from catalog.models import AIModel, Assessment, Change, License, Organization
from catalog.services import load_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client, django_user_model):
    user = django_user_model.objects.create_superuser("alice", "alice@example.org", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def loaded(fixture_catalogue):
    report = load_catalogue(fixture_catalogue)
    assert report.ok, report.problems
    return AIModel.objects.get(slug="example-base-7b")


def change_form_data(client, model):
    """The admin change form for `model` as the browser would post it back unchanged."""
    response = client.get(reverse("admin:catalog_aimodel_change", args=[model.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        data[name] = field.prepare_value(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = field.prepare_value(value)
    return data


def inline_prefix(data, component):
    """The form prefix of the inline holding `component`."""
    assessment = Assessment.objects.get(model__slug="example-base-7b", component=component)
    for key, value in data.items():
        if key.endswith("-id") and str(value) == str(assessment.pk):
            return key[: -len("-id")]
    raise AssertionError(f"no inline for {component}")


def test_editing_an_assessment_files_who_and_why(client, curator, loaded):
    data = change_form_data(client, loaded)
    prefix = inline_prefix(data, "code_training")
    data[f"{prefix}-availability"] = "full"
    data[f"{prefix}-license"] = License.objects.get(identifier="Apache-2.0").pk
    data[f"{prefix}-evidence"] = "https://github.com/example-lab/example/tree/main/train\n"
    data["change_reason"] = "Training code published in the repository"

    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""

    assessment = Assessment.objects.get(model=loaded, component="code_training")
    assert assessment.availability == "full"
    assert assessment.evidence == ["https://github.com/example-lab/example/tree/main/train"]
    assert assessment.assessed_by == "alice"
    change = Change.objects.filter(subject_key="example-base-7b/code_training").first()
    assert change.actor == "alice"
    assert change.user == curator
    assert change.reason == "Training code published in the repository"
    assert change.before["availability"] == "none"
    assert change.after["availability"] == "full"
    assert change.after["license"] == "Apache-2.0"
    # Nothing else was touched, so nothing else was filed.
    assert Change.objects.filter(actor="alice").count() == 1


def test_evidence_is_required_unless_unknown(client, curator, loaded):
    data = change_form_data(client, loaded)
    prefix = inline_prefix(data, "training_state")
    data[f"{prefix}-availability"] = "full"
    data[f"{prefix}-evidence"] = ""
    data["change_reason"] = "Found it"
    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 200
    assert "Evidence is required unless the availability is unknown." in response.text
    assert (
        Assessment.objects.get(model=loaded, component="training_state").availability == "unknown"
    )
    assert not Change.objects.filter(actor="alice").exists()


def test_a_malformed_evidence_url_is_refused(client, curator, loaded):
    data = change_form_data(client, loaded)
    prefix = inline_prefix(data, "doc_model_card")
    data[f"{prefix}-evidence"] = "huggingface.co/example"
    data["change_reason"] = "Fix link"
    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 200
    assert "is not a well-formed http(s) URL" in response.text


def test_a_change_needs_a_reason(client, curator, loaded):
    data = change_form_data(client, loaded)
    data["name"] = "Example Base 7B (renamed)"
    data["change_reason"] = ""
    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 200
    loaded.refresh_from_db()
    assert loaded.name == "Example Base 7B"


def test_a_model_created_in_the_admin_gets_every_component_as_unknown(client, curator, loaded):
    response = client.post(
        reverse("admin:catalog_aimodel_add"),
        {
            "slug": "example-new-1b",
            "name": "Example New 1B",
            "organization": Organization.objects.get(slug="example-lab").pk,
            "family": "Example",
            "release_date": "2025-06-01",
            "modality": "text",
            "kind": "base",
            "hf_repos": "example-lab/Example-New-1B\n",
            "github_repos": "",
            "status": "draft",
            "change_reason": "Announced today",
        },
    )
    assert response.status_code == 302
    model = AIModel.objects.get(slug="example-new-1b")
    assert model.hf_repos == ["example-lab/Example-New-1B"]
    assert model.github_repos == []
    assert model.assessments.count() == 20
    assert set(model.assessments.values_list("availability", flat=True)) == {"unknown"}
    created = Change.objects.get(subject="model", subject_key="example-new-1b")
    assert (created.action, created.actor, created.reason) == (
        "created",
        "alice",
        "Announced today",
    )


def test_editing_a_licence_is_filed(client, curator, loaded):
    lic = License.objects.get(identifier="LicenseRef-example-community")
    response = client.get(reverse("admin:catalog_license_change", args=[lic.pk]))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(mau_cap=100_000_000, change_reason="Cap lowered in version 2")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("admin:catalog_license_change", args=[lic.pk]), data)
    assert response.status_code == 302
    change = Change.objects.get(subject="license", actor="alice")
    assert change.before["mau_cap"] == 700_000_000
    assert change.after["mau_cap"] == 100_000_000
    assert change.reason == "Cap lowered in version 2"


def test_the_history_cannot_be_edited_in_the_admin(client, curator, loaded):
    change = Change.objects.first()
    response = client.post(
        reverse("admin:catalog_change_delete", args=[change.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Change.objects.filter(pk=change.pk).exists()


def run_action(client, admin_name, action, pk):
    return client.post(
        reverse(f"admin:catalog_{admin_name}_changelist"),
        {"action": action, "_selected_action": [pk]},
    )


def test_accepting_a_discrepancy_updates_the_assessment_under_the_curators_name(
    client, curator, loaded
):
    from catalog.models import Discrepancy

    discrepancy = Discrepancy.objects.create(
        model=loaded, component="weights_final", field="availability",
        curated_value="none", hub_value="full", message="Weights published on the Hub",
    )  # fmt: skip
    assert run_action(client, "discrepancy", "accept_hub_value", discrepancy.pk).status_code == 302
    weights = Assessment.objects.get(model=loaded, component="weights_final")
    assert (weights.availability, weights.assessed_by, weights.source) == (
        "full",
        "alice",
        "curated",
    )
    discrepancy.refresh_from_db()
    assert (discrepancy.status, discrepancy.resolved_by) == ("accepted", "alice")
    change = Change.objects.filter(subject_key="example-base-7b/weights_final").first()
    assert change.actor == "alice"
    assert change.reason.startswith("Accepted from the hub: Weights published on the Hub")


def test_dismissing_a_discrepancy_keeps_the_curated_value(client, curator, loaded):
    from catalog.models import Discrepancy

    discrepancy = Discrepancy.objects.create(
        model=loaded, component="weights_final", field="availability",
        curated_value="none", hub_value="full", message="m",
    )  # fmt: skip
    run_action(client, "discrepancy", "dismiss", discrepancy.pk)
    discrepancy.refresh_from_db()
    assert discrepancy.status == "dismissed"
    assert Assessment.objects.get(model=loaded, component="weights_final").availability == "none"


def test_a_readers_correction_changes_nothing_until_accepted(client, curator, loaded):
    from catalog.models import CorrectionRequest

    correction = CorrectionRequest.objects.create(
        model=loaded, component="code_training", proposed_availability="full",
        proposed_license="Apache-2.0", evidence_url="https://github.com/example-lab/example",
        explanation="The training code is in the repository.",
    )  # fmt: skip
    assert Assessment.objects.get(model=loaded, component="code_training").availability == "none"
    run_action(client, "correctionrequest", "accept", correction.pk)
    training = Assessment.objects.get(model=loaded, component="code_training")
    assert (training.availability, training.license.identifier) == ("full", "Apache-2.0")
    assert "https://github.com/example-lab/example" in training.evidence
    correction.refresh_from_db()
    assert (correction.status, correction.reviewed_by) == ("accepted", "alice")


def test_a_correction_naming_an_unknown_licence_is_not_applied(client, curator, loaded):
    from catalog.models import CorrectionRequest

    correction = CorrectionRequest.objects.create(
        model=loaded, component="code_training", proposed_license="Made-Up-1.0",
        evidence_url="https://example.org/licence",
    )  # fmt: skip
    response = run_action(client, "correctionrequest", "accept", correction.pk)
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "open"
    assert Assessment.objects.get(model=loaded, component="code_training").license is None


def staff_in(group_name, django_user_model, username):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_a_curator_edits_evidence_but_not_users(client, loaded, django_user_model):
    client.force_login(staff_in("Curators", django_user_model, "carol"))
    model = AIModel.objects.get(slug="example-base-7b")
    assert client.get(reverse("admin:catalog_aimodel_change", args=[model.pk])).status_code == 200
    assert client.get(reverse("admin:catalog_discrepancy_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert (
        client.post(
            reverse("admin:catalog_aimodel_delete", args=[model.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_an_administrator_manages_users(client, loaded, django_user_model):
    client.force_login(staff_in("Administrators", django_user_model, "ada"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_license_changelist")).status_code == 200


def test_the_public_cannot_reach_the_admin(client, loaded):
    response = client.get(reverse("admin:catalog_aimodel_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_logins_lock_out_after_repeated_failures(client, django_user_model, settings):
    settings.LOGIN_MAX_FAILURES = 3
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    url = reverse("admin:login")
    for _ in range(3):
        assert client.post(url, {"username": "root", "password": "wrong"}).status_code == 200
    locked = client.post(url, {"username": "root", "password": "right-password"})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.LOGIN_LOCKOUT_SECONDS
    assert "Too many failed sign-in attempts" in locked.text
    # The right password from the locked address does not get through either.
    assert "_auth_user_id" not in client.session


def test_a_successful_login_is_not_counted(client, django_user_model, settings):
    settings.LOGIN_MAX_FAILURES = 2
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    url = reverse("admin:login")
    client.post(url, {"username": "root", "password": "wrong"})
    assert client.post(url, {"username": "root", "password": "right-password"}).status_code == 302
