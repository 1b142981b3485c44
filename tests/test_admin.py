"""The admin is the curators' tool: evidence is required, and every save is filed with a reason."""

import pytest
from django import forms
from django.urls import reverse

from catalog.models import AIModel, Assessment, Change, License, Organization
from catalog.sync import load_catalogue

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


def posted(field, value):
    """A field's value as the rendered form sends it back (a JSON field's text is sent as is)."""
    if isinstance(field, forms.JSONField) and isinstance(value, str):
        return value
    return field.prepare_value(value)


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
        data[name] = posted(field, value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                value = inline_form[name].value()
                if value is not None:
                    data[inline_form.add_prefix(name)] = posted(field, value)
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


@pytest.fixture
def colleague(django_user_model):
    from django.test import Client

    bob = Client()
    bob.force_login(django_user_model.objects.create_superuser("bob", "bob@example.org", "pw"))
    return bob


def test_a_save_from_a_form_opened_before_a_colleagues_save_is_refused(
    client, curator, colleague, loaded
):
    url = reverse("admin:catalog_aimodel_change", args=[loaded.pk])
    alices = change_form_data(client, loaded)
    bobs = change_form_data(colleague, loaded)
    prefix = inline_prefix(bobs, "code_training")
    bobs[f"{prefix}-availability"] = "full"
    bobs[f"{prefix}-evidence"] = "https://github.com/example-lab/example/tree/main/train"
    bobs["description"] = "Bob's description."
    bobs["change_reason"] = "Training code published"
    assert colleague.post(url, bobs).status_code == 302

    alices["name"] = "Alice's name"
    alices["change_reason"] = "Rename"
    response = client.post(url, alices)
    assert response.status_code == 200
    assert "changed since you opened this form" in response.text
    assert "example-base-7b by bob" in response.text
    assert "description" in response.text
    assert "example-base-7b/code_training by bob" in response.text
    loaded.refresh_from_db()
    assert (loaded.name, loaded.description) == ("Example Base 7B", "Bob's description.")
    training = Assessment.objects.get(model=loaded, component="code_training")
    assert training.availability == "full"
    assert not Change.objects.filter(actor="alice").exists()

    # Opened again, the form saves.
    alices = change_form_data(client, loaded)
    alices["name"] = "Alice's name"
    alices["change_reason"] = "Rename"
    assert client.post(url, alices).status_code == 302
    loaded.refresh_from_db()
    assert (loaded.name, loaded.description) == ("Alice's name", "Bob's description.")


def test_a_change_from_outside_the_admin_also_makes_an_open_form_stale(client, curator, loaded):
    from catalog.curation import resolve_correction
    from catalog.models import CorrectionRequest

    url = reverse("admin:catalog_aimodel_change", args=[loaded.pk])
    data = change_form_data(client, loaded)
    correction = CorrectionRequest.objects.create(
        model=loaded, component="weights_final", proposed_availability="full",
        evidence_url="https://example.org/weights",
    )  # fmt: skip
    resolve_correction(correction, accept=True, actor="carol", note="Checked.")
    data["change_reason"] = "Nothing much"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "example-base-7b/weights_final by carol" in response.text
    assert Assessment.objects.get(model=loaded, component="weights_final").availability == "full"


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


@pytest.mark.parametrize("url", ["ftp://example.org/card.md", "javascript:alert(1)"])
def test_it_refuses_evidence_that_is_not_http_or_https(client, curator, loaded, url):
    data = change_form_data(client, loaded)
    prefix = inline_prefix(data, "doc_model_card")
    data[f"{prefix}-evidence"] = f"https://example.org/card\n{url}"
    data["change_reason"] = "Add a link"
    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 200
    assert "is not a well-formed http(s) URL" in response.text
    card = Assessment.objects.get(model=loaded, component="doc_model_card")
    assert url not in card.evidence


def test_it_refuses_a_homepage_that_is_not_http_or_https(client, curator, loaded):
    data = change_form_data(client, loaded)
    data["homepage"] = "javascript:alert(1)"
    data["change_reason"] = "New homepage"
    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 200
    assert "Enter an http:// or https:// URL." in response.text
    loaded.refresh_from_db()
    assert loaded.homepage != "javascript:alert(1)"


def test_accepting_a_correction_with_evidence_that_is_not_http_is_refused(client, curator, loaded):
    from catalog.models import CorrectionRequest

    # Queued before the form checked the scheme.
    correction = CorrectionRequest.objects.create(
        model=loaded, component="code_training", proposed_availability="full",
        evidence_url="ftp://example.org/code.tar",
    )  # fmt: skip
    response = run_action(client, "correctionrequest", "accept", correction.pk)
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "open"
    training = Assessment.objects.get(model=loaded, component="code_training")
    assert "ftp://example.org/code.tar" not in training.evidence
    assert training.availability == "none"


def test_it_refuses_a_base_model_that_would_close_a_lineage_cycle(client, curator, loaded):
    chat = AIModel.objects.get(slug="example-7b-chat")
    data = change_form_data(client, loaded)
    data["base_model"] = chat.pk
    data["change_reason"] = "Lineage"
    response = client.post(reverse("admin:catalog_aimodel_change", args=[loaded.pk]), data)
    assert response.status_code == 200
    assert (
        "Lineage cycle: example-base-7b is built on example-7b-chat, which is built on "
        "example-base-7b"
    ) in response.text
    loaded.refresh_from_db()
    assert loaded.base_model is None


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


def test_admin_logins_still_lock_out_with_redis_unreachable(
    client, django_user_model, settings, dead_cache
):
    settings.LOGIN_MAX_FAILURES = 3
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    url = reverse("admin:login")
    for _ in range(3):
        assert client.post(url, {"username": "root", "password": "wrong"}).status_code == 200
    assert client.post(url, {"username": "root", "password": "right-password"}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_outlives_a_redis_restart(client, django_user_model, settings):
    from django.core.cache import cache

    settings.LOGIN_MAX_FAILURES = 3
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "root", "password": "wrong"})
    cache.clear()  # what a restart of Redis without persistence does
    assert client.post(url, {"username": "root", "password": "right-password"}).status_code == 429


def test_a_successful_login_is_not_counted(client, django_user_model, settings):
    settings.LOGIN_MAX_FAILURES = 2
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    url = reverse("admin:login")
    client.post(url, {"username": "root", "password": "wrong"})
    assert client.post(url, {"username": "root", "password": "right-password"}).status_code == 302


PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that comes through the TLS proxy


def fail_logins(client, times, **headers):
    url = reverse("admin:login")
    for attempt in range(times):
        # A new username each time, so that only the address is counted.
        response = client.post(url, {"username": f"guess{attempt}", "password": "x"}, **headers)
        assert response.status_code == 200


@pytest.fixture
def behind_one_proxy(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_behind_a_proxy_failures_lock_out_the_client_not_the_proxy(
    client, django_user_model, behind_one_proxy
):
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    fail_logins(client, 3, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    url = reverse("admin:login")
    attacker = client.post(
        url, {"username": "another", "password": "x"},
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5",
    )  # fmt: skip
    assert attacker.status_code == 429
    # Addresses the client writes itself are left of the one the proxy appends: no way out.
    spoofed = client.post(
        url, {"username": "yet-another", "password": "x"},
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.5",
    )  # fmt: skip
    assert spoofed.status_code == 429
    curator = client.post(
        url, {"username": "root", "password": "right-password"},
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7",
    )  # fmt: skip
    assert curator.status_code == 302


def test_the_api_throttle_and_the_login_lockout_see_the_same_client(behind_one_proxy, rf):
    from rest_framework.throttling import AnonRateThrottle

    from catalog.rate_limits import client_address

    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.5")
    assert client_address(request) == "203.0.113.5"
    assert AnonRateThrottle().get_ident(request) == client_address(request)


def test_without_proxies_x_forwarded_for_is_ignored(client, django_user_model, settings):
    settings.LOGIN_MAX_FAILURES = 3
    assert settings.NUM_PROXIES == 0
    django_user_model.objects.create_superuser("root", "r@example.org", "right-password")
    for attempt in range(3):
        client.post(
            reverse("admin:login"), {"username": f"guess{attempt}", "password": "x"},
            REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )  # fmt: skip
    locked = client.post(
        reverse("admin:login"), {"username": "root", "password": "right-password"},
        REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1",
    )  # fmt: skip
    assert locked.status_code == 429


# --- Queue decisions are filed in the history --------------------------------------------------


def test_dismissing_a_discrepancy_files_who_and_why_and_keeps_the_note(client, curator, loaded):
    from catalog.models import Discrepancy

    discrepancy = Discrepancy.objects.create(
        model=loaded, component="weights_final", field="availability",
        curated_value="none", hub_value="full", message="Weights published on the Hub",
    )  # fmt: skip
    url = reverse("admin:catalog_discrepancy_change", args=[discrepancy.pk])
    note = "Those are the instruct model's weights, not this one's"
    assert client.post(url, {"resolution_note": note}).status_code == 302
    before = Change.objects.count()

    run_action(client, "discrepancy", "dismiss", discrepancy.pk)

    discrepancy.refresh_from_db()
    assert (discrepancy.status, discrepancy.resolution_note) == ("dismissed", note)
    assert Change.objects.count() == before + 1
    change = Change.objects.get(action="reviewed")
    assert (change.subject, change.subject_key) == ("assessment", "example-base-7b/weights_final")
    assert (change.actor, change.user) == ("alice", curator)
    assert "Weights published on the Hub" in change.reason and note in change.reason
    assert change.before == change.after and change.after["availability"] == "none"


def test_rejecting_a_correction_files_who_and_why_and_keeps_the_note(client, curator, loaded):
    from catalog.models import CorrectionRequest

    correction = CorrectionRequest.objects.create(
        model=loaded, component="code_training", proposed_availability="full",
        evidence_url="https://spam.example/buy-now", explanation="Buy now at spam.example!",
        review_note="The repository holds inference code only",
    )  # fmt: skip
    run_action(client, "correctionrequest", "reject", correction.pk)

    correction.refresh_from_db()
    assert (correction.status, correction.reviewed_by) == ("rejected", "alice")
    assert correction.review_note == "The repository holds inference code only"
    change = Change.objects.get(action="reviewed")
    assert change.subject_key == "example-base-7b/code_training"
    assert (change.actor, change.user) == ("alice", curator)
    assert change.reason == (
        "Correction from a reader rejected (proposed full). "
        "The repository holds inference code only"
    )
    # What the reader wrote stays in the queue, out of the public history.
    assert "spam" not in change.reason
    training = Assessment.objects.get(model=loaded, component="code_training")
    assert training.availability == "none"


def test_accepting_keeps_the_curators_note(client, curator, loaded):
    from catalog.models import Discrepancy

    discrepancy = Discrepancy.objects.create(
        model=loaded, component="weights_final", field="availability", curated_value="none",
        hub_value="full", message="Weights published", resolution_note="Checked the files",
    )  # fmt: skip
    run_action(client, "discrepancy", "accept_hub_value", discrepancy.pk)
    discrepancy.refresh_from_db()
    assert (discrepancy.status, discrepancy.resolution_note) == ("accepted", "Checked the files")
    change = Change.objects.filter(subject_key="example-base-7b/weights_final").first()
    assert change.reason == "Accepted from the hub: Weights published. Checked the files"


# --- Administrators manage users, but cannot raise anyone above themselves ----------------------


def user_form_data(client, user):
    """The admin's change form for `user` as the browser would post it back unchanged."""
    from django import forms

    response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value is None or value is False:
            continue  # an unticked box is not posted
        if isinstance(field.widget, forms.MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = part
        else:
            data[name] = value
    return data


@pytest.fixture
def administrator(client, loaded, django_user_model):
    ada = staff_in("Administrators", django_user_model, "ada")
    client.force_login(ada)
    return ada


def test_an_administrator_cannot_make_herself_a_superuser_or_grant_herself_more(
    client, administrator
):
    from django.contrib.auth.models import Permission

    delete_history = Permission.objects.get(codename="delete_change")
    data = user_form_data(client, administrator)
    data.update(is_superuser="on", user_permissions=[delete_history.pk])
    response = client.post(reverse("admin:auth_user_change", args=[administrator.pk]), data)
    assert response.status_code == 302

    administrator = type(administrator).objects.get(pk=administrator.pk)
    assert not administrator.is_superuser
    assert not administrator.user_permissions.exists()
    assert not administrator.has_perm("catalog.delete_change")


def test_an_administrator_cannot_join_a_group_with_permissions_she_lacks(client, administrator):
    from django.contrib.auth.models import Group, Permission

    historians = Group.objects.create(name="Historians")
    historians.permissions.add(Permission.objects.get(codename="delete_change"))
    data = user_form_data(client, administrator)
    data["groups"] = [*data["groups"], historians.pk]
    response = client.post(reverse("admin:auth_user_change", args=[administrator.pk]), data)
    assert response.status_code == 200
    assert "it grants permissions you do not hold" in response.text
    assert list(administrator.groups.values_list("name", flat=True)) == ["Administrators"]


def test_an_administrator_grants_a_group_only_permissions_she_holds(client, administrator):
    from django.contrib.auth.models import Group, Permission

    curators = Group.objects.get(name="Curators")
    url = reverse("admin:auth_group_change", args=[curators.pk])
    held = list(curators.permissions.values_list("pk", flat=True))
    delete_history = Permission.objects.get(codename="delete_change")
    refused = client.post(url, {"name": "Curators", "permissions": [*held, delete_history.pk]})
    assert refused.status_code == 200
    assert "You can grant only permissions you hold yourself." in refused.text
    assert not curators.permissions.filter(pk=delete_history.pk).exists()

    delete_licences = Permission.objects.get(codename="delete_license")
    granted = client.post(url, {"name": "Curators", "permissions": [*held, delete_licences.pk]})
    assert granted.status_code == 302
    assert curators.permissions.filter(pk=delete_licences.pk).exists()


def test_an_administrator_cannot_change_a_superuser(client, administrator, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    change = reverse("admin:auth_user_change", args=[root.pk])
    assert client.post(change, {"username": "root", "is_active": ""}).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    new_password = {"password1": "taken-over-now", "password2": "taken-over-now"}
    assert client.post(password, new_password).status_code == 403
    delete = reverse("admin:auth_user_delete", args=[root.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.check_password("pw")


def test_joining_a_role_makes_a_user_staff(client, administrator, django_user_model):
    from django.contrib.auth.models import Group

    dave = django_user_model.objects.create_user("dave", password="pw")
    data = user_form_data(client, dave)
    data["groups"] = [Group.objects.get(name="Curators").pk]
    response = client.post(reverse("admin:auth_user_change", args=[dave.pk]), data)
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.is_staff
    assert dave.has_perm("catalog.change_assessment")

    erin = django_user_model.objects.create_user("erin", password="pw")
    Group.objects.get(name="Administrators").user_set.add(erin)
    erin.refresh_from_db()
    assert erin.is_staff


def test_a_curator_confirms_from_the_admin_that_a_hub_repo_is_gone(client, curator, loaded):
    from catalog.models import HubRecord

    record = HubRecord.objects.create(
        model=loaded, hub="huggingface", repo_id="example-lab/Example-Base-7B", status="error",
        last_error="PermanentHubError (RepoNotFound): no such repo, or private (not yet confirmed)",
    )  # fmt: skip
    response = run_action(client, "hubrecord", "confirm_gone", record.pk)
    assert response.status_code == 302
    assert HubRecord.objects.get(pk=record.pk).status == "gone"
    observed = Change.objects.get(subject="hub", subject_key__endswith="Example-Base-7B")
    assert observed.actor == "alice"


def admin_form_data(client, admin_name, obj):
    """An admin change form (without inlines) as the browser would post it back unchanged."""
    response = client.get(reverse(f"admin:catalog_{admin_name}_change", args=[obj.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is not None and value is not False:
            data[name] = posted(field, value)
    return data


@pytest.mark.parametrize(
    "admin_name, kind, key, edit",
    [
        ("license", License, "LicenseRef-example-community", {"mau_cap": 100_000_000}),
        ("organization", Organization, "example-lab", {"country": "FR"}),
    ],
)
def test_a_licence_or_organisation_save_from_a_form_opened_before_a_colleagues_is_refused(
    client, curator, colleague, loaded, admin_name, kind, key, edit
):
    obj = kind.objects.get(**{"identifier" if kind is License else "slug": key})
    url = reverse(f"admin:catalog_{admin_name}_change", args=[obj.pk])
    alices = admin_form_data(client, admin_name, obj)
    bobs = admin_form_data(colleague, admin_name, obj)
    bobs.update(edit, change_reason="Corrected from the source")
    assert colleague.post(url, bobs).status_code == 302

    alices.update(name="Alice's name", change_reason="Renamed")
    response = client.post(url, alices)
    assert response.status_code == 200
    assert "changed since you opened this form" in response.text
    assert f"{key} by bob" in response.text
    assert next(iter(edit)) in response.text  # the field the colleague changed
    obj.refresh_from_db()
    field, value = next(iter(edit.items()))
    assert getattr(obj, field) == value and obj.name != "Alice's name"
    assert not Change.objects.filter(actor="alice").exists()

    # Opened again, the form saves, and keeps the colleague's change.
    alices = admin_form_data(client, admin_name, obj)
    alices.update(name="Alice's name", change_reason="Renamed")
    assert client.post(url, alices).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.name) == (value, "Alice's name")


def test_accepting_a_discrepancy_naming_a_licence_the_catalogue_lacks_says_why(
    client, curator, loaded
):
    from catalog.models import Discrepancy

    discrepancy = Discrepancy.objects.create(
        model=loaded, component="weights_final", field="license",
        curated_value=None, hub_value="Made-Up-1.0", message="The Hub says Made-Up-1.0",
    )  # fmt: skip
    response = run_action(client, "discrepancy", "accept_hub_value", discrepancy.pk)
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("'Made-Up-1.0'" in m and "no longer in the catalogue" in m for m in shown), shown
    discrepancy.refresh_from_db()
    assert discrepancy.status == "open"
    assert not Change.objects.filter(actor="alice").exists()


def test_accepting_a_discrepancy_whose_hub_page_is_no_http_url_says_why(
    client, curator, loaded, settings
):
    from catalog.models import Discrepancy, HubRecord

    # A mirror on an internal host: its pages are no well-formed public URL, so no evidence.
    settings.HF_ENDPOINT = "http://hub-mirror:8080"
    record = HubRecord.objects.create(
        model=loaded, hub="huggingface", repo_id="example-lab/x", canonical_id="example-lab/x"
    )
    discrepancy = Discrepancy.objects.create(
        model=loaded, component="weights_final", field="availability", hub_record=record,
        curated_value="none", hub_value="full", message="Weights published on the Hub",
    )  # fmt: skip
    response = run_action(client, "discrepancy", "accept_hub_value", discrepancy.pk)
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("http://hub-mirror:8080/example-lab/x" in m for m in shown), shown
    discrepancy.refresh_from_db()
    assert discrepancy.status == "open"
    assert Assessment.objects.get(model=loaded, component="weights_final").availability == "none"
