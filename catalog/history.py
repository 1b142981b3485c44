"""The audit trail: every write to the evidence base is filed here with `record`.

It only records: the writer publishes the change itself (publishing.evidence_changed, or
data_version.bump_data_version for what is not evidence), in the same transaction.

A row's state (`state_of`: its fields as a plain dict, the before and after of a change) names
related rows by slug or licence id, never by database id, so a history entry reads the same after
a restore into another database. ("Snapshot" means only a score snapshot, ScoreSnapshot.)
"""

from catalog import clauses
from catalog.models import AIModel, Assessment, Change, License, Organization


def state_of_organization(org):
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "country": org.country,
        "homepage": org.homepage,
        "hf_authors": list(org.hf_authors),
    }


def state_of_license(lic):
    data = {
        "id": lic.identifier,
        "name": lic.name,
        "url": lic.url,
        "version": lic.version,
        "osi_approved": lic.osi_approved,
        "category": lic.category,
        "open_data": lic.open_data,
        "open_content": lic.open_content,
        "commercial_use": lic.commercial_use,
        "mau_cap": lic.mau_cap,
        "hf_license_tag": lic.hf_license_tag,
        "note": lic.note,
        "source": lic.source,
    }
    data.update({flag: getattr(lic, flag) for flag in clauses.BOOLEAN_FLAGS})
    data["clause_scopes"] = dict(lic.clause_scopes)
    data["corrections"] = published_corrections(lic)
    return data


def published_corrections(obj):
    """The published corrections of a model or licence, in their order."""
    if not obj.pk:
        return []
    return [
        {
            "date": c.date.isoformat(),
            "subject": c.subject,
            "before": c.before,
            "after": c.after,
            "reason": c.reason,
        }
        for c in sorted(obj.corrections_made.all(), key=lambda c: c.position)
    ]


def _eu_ai_act_facts(facts):
    # PostgreSQL's jsonb hands a compute of 3.8e25 back as a whole number; the catalogue and
    # every comparison read it as the float it was written as.
    facts = dict(facts or {})
    compute = facts.get("training_compute")
    if compute and compute.get("flop") is not None:
        facts["training_compute"] = {**compute, "flop": float(compute["flop"])}
    return facts


def state_of_model(model):
    return {
        "slug": model.slug,
        "name": model.name,
        "organization": model.organization.slug,
        "family": model.family,
        "release_date": model.release_date.isoformat(),
        "parameters": model.parameters,
        "modality": model.modality,
        "kind": model.kind,
        "base_model": model.base_model.slug if model.base_model_id else None,
        "hf_repos": list(model.hf_repos),
        "github_repos": list(model.github_repos),
        "homepage": model.homepage,
        "description": model.description,
        "status": model.status,
        "release_licenses": dict(model.release_licenses),
        "training_data_withheld": dict(model.training_data_withheld),
        "eu_ai_act_facts": _eu_ai_act_facts(model.eu_ai_act_facts),
        "corrections": published_corrections(model),
    }


def state_of_assessment(assessment):
    return {
        "availability": assessment.availability,
        "license": assessment.license.identifier if assessment.license_id else None,
        "evidence": list(assessment.evidence),
        "access": assessment.access,
        "pins": list(assessment.pins),
        "note": assessment.note,
        "assessed_at": assessment.assessed_at.isoformat(),
        "assessed_by": assessment.assessed_by,
        "source": assessment.source,
    }


def state_of(obj):
    """A row's state: its fields as a JSON-ready dict, as the history stores them."""
    if isinstance(obj, Assessment):
        return state_of_assessment(obj)
    if isinstance(obj, AIModel):
        return state_of_model(obj)
    if isinstance(obj, License):
        return state_of_license(obj)
    if isinstance(obj, Organization):
        return state_of_organization(obj)
    raise TypeError(f"no history for {type(obj).__name__}")


def subject_of(obj):
    """(subject, key, model) under which changes to `obj` are filed."""
    if isinstance(obj, Assessment):
        return Change.Subject.ASSESSMENT, f"{obj.model.slug}/{obj.component}", obj.model
    if isinstance(obj, AIModel):
        return Change.Subject.MODEL, obj.slug, obj
    if isinstance(obj, License):
        return Change.Subject.LICENSE, obj.identifier, None
    if isinstance(obj, Organization):
        return Change.Subject.ORGANIZATION, obj.slug, None
    raise TypeError(f"no history for {type(obj).__name__}")


def record(obj, *, before, actor, reason, user=None, deleted=False, reviewed=False):
    """File one change of `obj` (already saved, or about to be deleted) against `before`.

    Returns the Change, or None when nothing differs. `actor` names who made the change
    (a username, or a process such as `catalogue`); `reason` says why, and is required.
    `reviewed` files a curator's decision to keep `obj` as it is (a dismissed discrepancy,
    a rejected correction) even though nothing differs.
    """
    if not reason or not reason.strip():
        raise ValueError("a change needs a reason")
    after = None if deleted else state_of(obj)
    if before == after and not reviewed:
        return None
    subject, key, model = subject_of(obj)
    if deleted:
        action = Change.Action.DELETED
    elif reviewed:
        action = Change.Action.REVIEWED
    elif before is None:
        action = Change.Action.CREATED
    else:
        action = Change.Action.UPDATED
    return Change.objects.create(
        subject=subject,
        subject_key=key,
        model=None if deleted and subject == Change.Subject.MODEL else model,
        action=action,
        actor=actor,
        user=user,
        reason=reason.strip(),
        before=before,
        after=after,
    )


def record_observation(model, key, *, before, after, reason, actor):
    """File what a hub said that a curator must look at: a change on the hub, or a
    disagreement with a curated assessment. Nothing in the evidence base is changed by it."""
    return Change.objects.create(
        subject=Change.Subject.HUB,
        subject_key=key,
        model=model,
        action=Change.Action.OBSERVED,
        actor=actor,
        reason=reason,
        before=before,
        after=after,
    )
