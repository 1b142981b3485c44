"""A curator's decisions: curating an assessment or keeping it as is, promoting a machine-read
entry, resolving hub discrepancies and readers' corrections, and the public corrections they
file. Each decision is filed in the history and moves the data version."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog import history, publishing
from catalog.data_version import bump_data_version
from catalog.models import (
    AIModel,
    Assessment,
    Change,
    Correction,
    CorrectionRequest,
    Discrepancy,
    License,
    is_http_url,
)


class Refused(ValueError):
    """A curator's decision that cannot be applied as it stands; the message says why and what
    to do instead. Nothing of the decision is written."""


def curate(model, component_id, *, changes, evidence_url, actor, user=None, reason):
    """Apply `changes` (field -> value) to one assessment as a curator's verified decision:
    the evidence URL is added, the assessment becomes theirs and dated today, and it is filed.

    The assessment's row is locked until the caller's transaction ends, so that two decisions on
    it at once take turns: the second reads what the first wrote and loses none of its evidence.
    """
    if evidence_url and not is_http_url(evidence_url):
        raise Refused(f"{evidence_url!r} is not an http(s) URL: it cannot become evidence")
    with transaction.atomic():
        # No join: a row locked after waiting is read again, but not what it was joined to.
        assessment = Assessment.objects.select_for_update().get(model=model, component=component_id)
        before = history.state_of(assessment)
        for name, value in changes.items():
            setattr(assessment, name, value)
        if evidence_url:
            assessment.evidence = list(dict.fromkeys([*assessment.evidence, evidence_url]))
        assessment.source = Assessment.Source.CURATED
        assessment.assessed_by = actor
        assessment.assessed_at = datetime.date.today()
        assessment.save()
        if history.record(assessment, before=before, actor=actor, user=user, reason=reason):
            publishing.evidence_changed([assessment.model_id])
        publish_correction(assessment, before, history.state_of(assessment), reason)


# What can change a verdict: a correction of any of these is published in the corrections log.
VERDICT_FIELDS = ("availability", "license", "access")


def describe_assessment(state):
    """`full, Apache-2.0, click-through` as the corrections log shows an assessment."""
    parts = [state["availability"].replace("_", " ")]
    parts.append(state["license"] or "no licence stated")
    if state.get("access"):
        parts.append(f"{state['access']} gate")
    return ", ".join(parts)


def publish_correction(assessment, before, after, reason):
    """File a public correction when a verdict-relevant field of an assessment changed."""
    if before is None or all(before.get(f) == after.get(f) for f in VERDICT_FIELDS):
        return None
    model = assessment.model
    position = model.corrections_made.count()
    return Correction.objects.create(
        model=model, date=datetime.date.today(), subject=assessment.component,
        before=describe_assessment(before), after=describe_assessment(after), reason=reason,
        position=position,
    )  # fmt: skip


def promote_to_curated(model, *, actor, user=None, reason):
    """A curator takes a machine-read entry into the curated catalogue: it joins the default
    ranking and the downloads, and keeps its history. Its assessments stay as the Hub wrote them
    (and keep following the Hub) until a curator edits each one, which makes it theirs."""
    if not model.is_machine_read:
        return False
    with transaction.atomic():
        model.review_status = AIModel.ReviewStatus.CURATED
        model.save(update_fields=["review_status", "updated_at"])
        Change.objects.create(
            subject=Change.Subject.MODEL, subject_key=model.slug, model=model,
            action=Change.Action.UPDATED, actor=actor, user=user, reason=reason.strip(),
            before={"review_status": AIModel.ReviewStatus.MACHINE_READ},
            after={"review_status": AIModel.ReviewStatus.CURATED},
        )  # fmt: skip
        bump_data_version()
    return True


def keep_as_is(model, component_id, *, actor, user=None, reason):
    """File a curator's decision to keep one assessment as it is, so that the history shows who
    looked at it, when and why, though nothing changed."""
    assessment = Assessment.objects.select_related("model", "license").get(
        model=model, component=component_id
    )
    history.record(
        assessment, before=history.state_of(assessment), actor=actor, user=user, reason=reason,
        reviewed=True,
    )  # fmt: skip
    bump_data_version()


def resolve_discrepancy(discrepancy, *, accept, actor, user=None, note=None):
    """A curator's decision on a hub discrepancy: accepting applies the hub's value to the
    assessment under the curator's name; dismissing keeps the curated value. Both are filed.

    `note` says why; None keeps the note already written on the discrepancy (in the admin).
    """
    with transaction.atomic():
        # The assessment first, as a refresh locks it before it updates an open discrepancy:
        # taken in the other order, the two could each wait for the other.
        list(
            Assessment.objects.select_for_update()
            .filter(model_id=discrepancy.model_id, component=discrepancy.component)
            .values("pk")
        )
        # Held until the decision commits: a colleague deciding the same item at once waits,
        # then finds it decided and is refused, rather than deciding it a second time.
        discrepancy.refresh_from_db(from_queryset=Discrepancy.objects.select_for_update())
        if discrepancy.status != Discrepancy.Status.OPEN:
            raise Refused(
                f"The discrepancy on {discrepancy} was already {discrepancy.status} by "
                f"{discrepancy.resolved_by} at {discrepancy.resolved_at:%Y-%m-%d %H:%M} UTC: "
                "your decision was not applied."
            )
        note = discrepancy.resolution_note if note is None else note
        if accept:
            if discrepancy.field == "license":
                value = discrepancy.hub_value
                licence = License.objects.filter(identifier=value).first() if value else None
                if value and licence is None:
                    raise Refused(
                        f"The hub's licence {value!r} ({discrepancy}) is no longer in the "
                        "catalogue: add it first, or edit the assessment by hand"
                    )
                changes = {"license": licence}
            else:
                changes = {discrepancy.field: discrepancy.hub_value}
            record = discrepancy.hub_record
            url = None
            if record is not None and record.hub == "huggingface" and record.canonical_id:
                url = f"{settings.HF_ENDPOINT}/{record.canonical_id}"
            curate(
                discrepancy.model, discrepancy.component, changes=changes, evidence_url=url,
                actor=actor, user=user,
                reason=f"Accepted from the hub: {discrepancy.message}. {note}".strip(),
            )  # fmt: skip
        else:
            keep_as_is(
                discrepancy.model, discrepancy.component, actor=actor, user=user,
                reason=f"Hub disagreement dismissed, the curated value stands: "
                f"{discrepancy.message}. {note}".strip(),
            )  # fmt: skip
        discrepancy.status = "accepted" if accept else "dismissed"
        discrepancy.resolved_at = timezone.now()
        discrepancy.resolved_by = actor
        discrepancy.resolution_note = note
        discrepancy.save()


def resolve_correction(correction, *, accept, actor, user=None, note=None):
    """A curator's decision on a reader's correction. Accepting applies the proposed status and
    licence (when the catalogue knows it) with the submitted evidence, under the curator's name;
    rejecting keeps the assessment. Both are filed.

    `note` says why; None keeps the note already written on the request (in the admin).
    """
    with transaction.atomic():
        # Held until the decision commits, as for a discrepancy: the second of two is refused.
        correction.refresh_from_db(from_queryset=CorrectionRequest.objects.select_for_update())
        if correction.status != CorrectionRequest.Status.OPEN:
            raise Refused(
                f"The correction of {correction.model.slug}/{correction.component} was already "
                f"{correction.status} by {correction.reviewed_by} at "
                f"{correction.reviewed_at:%Y-%m-%d %H:%M} UTC: your decision was not applied."
            )
        note = correction.review_note if note is None else note
        if accept:
            changes = {}
            if correction.proposed_availability:
                changes["availability"] = correction.proposed_availability
            if correction.proposed_license:
                licence = License.objects.filter(identifier=correction.proposed_license).first()
                if licence is None:
                    raise Refused(
                        f"{correction.proposed_license!r} is not a licence in the catalogue: add it "
                        "first, or edit the assessment by hand"
                    )
                changes["license"] = licence
            summary = correction.explanation or correction.evidence_url
            curate(
                correction.model, correction.component, changes=changes,
                evidence_url=correction.evidence_url, actor=actor, user=user,
                reason=f"Correction from a reader accepted: {summary}. {note}".strip(),
            )  # fmt: skip
        else:
            # The reader's own words and link stay in the queue: the public history names only
            # what was proposed.
            proposed = [correction.proposed_availability, correction.proposed_license]
            proposal = " under ".join(value for value in proposed if value) or "new evidence"
            keep_as_is(
                correction.model, correction.component, actor=actor, user=user,
                reason=f"Correction from a reader rejected (proposed {proposal}). {note}".strip(),
            )  # fmt: skip
        correction.status = "accepted" if accept else "rejected"
        correction.reviewed_at = timezone.now()
        correction.reviewed_by = actor
        correction.review_note = note
        correction.save()
