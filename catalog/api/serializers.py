"""Read-only representations of the evidence base: slugs as identifiers, ISO 8601 dates."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import clauses, components, frameworks, pins
from catalog.clauses import RESTRICTIONS
from catalog.criteria import criteria_of
from catalog.frameworks import mof
from catalog.frameworks.evidence import licence_phrase
from catalog.models import HubRecord


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


class OrganizationSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class OrganizationSerializer(OrganizationSummarySerializer):
    kind = serializers.CharField()
    country = serializers.CharField()
    homepage = serializers.CharField()


class LicenseSummarySerializer(serializers.Serializer):
    id = serializers.CharField(source="identifier")
    name = serializers.CharField()
    url = serializers.CharField()
    kind = serializers.CharField()
    osi_approved = serializers.BooleanField()
    restrictions = serializers.ListField(child=serializers.ChoiceField(choices=RESTRICTIONS))


# One field per clause of the registry, in its order.
ClausesSerializer = type(
    "ClausesSerializer",
    (serializers.Serializer,),
    {
        clause.flag: (
            serializers.IntegerField(allow_null=True, help_text=clause.describe())
            if clause.cap
            else serializers.BooleanField(help_text=clause.describe())
        )
        for clause in clauses.CLAUSES
    },
)


class LicenseSerializer(LicenseSummarySerializer):
    spdx = serializers.BooleanField(source="is_spdx")
    version = serializers.CharField()
    category = serializers.CharField()
    open_data = serializers.BooleanField()
    open_content = serializers.BooleanField()
    commercial_use = serializers.BooleanField()
    clauses = serializers.SerializerMethodField()
    hf_license_tag = serializers.CharField()
    note = serializers.CharField()
    source = serializers.CharField()

    def get_clauses(self, lic) -> ClausesSerializer:
        return ClausesSerializer({flag: getattr(lic, flag) for flag in clauses.FLAGS}).data


class MofProgressSerializer(serializers.Serializer):
    III = serializers.FloatField()
    II = serializers.FloatField()
    I = serializers.FloatField()  # noqa: E741 (the class is called I)


class ModelListSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    organization = OrganizationSummarySerializer()
    family = serializers.CharField()
    release_date = serializers.DateField()
    parameters = serializers.IntegerField(allow_null=True)
    modality = serializers.CharField()
    kind = serializers.CharField()
    base_model = serializers.CharField(source="base_model.slug", allow_null=True)
    review_status = serializers.ChoiceField(
        choices=["curated", "machine-read"],
        help_text="curated, or machine-read: read from the Hugging Face Hub by machine and not "
        "reviewed by a curator",
    )
    headline = serializers.CharField(
        source="g7_verdict",
        allow_null=True,
        help_text="the headline label: the G7 label (2026), or Weights not released",
    )
    g7 = serializers.CharField(source="g7_verdict", allow_null=True, help_text="the G7 label")
    label = serializers.CharField(
        source="label_verdict", allow_null=True, help_text="the earlier headline label"
    )
    openness_index = serializers.FloatField(source="index_score", allow_null=True)
    osaid = serializers.CharField(source="osaid_verdict", allow_null=True)
    mof_class = serializers.CharField(source="mof_verdict", allow_null=True)
    mof_progress = MofProgressSerializer(allow_null=True)
    eu_ai_act = serializers.CharField(
        source="eu_ai_act_verdict",
        allow_null=True,
        help_text="whether the EU AI Act's open-source exemption (Art. 53(2)) plausibly applies; "
        "not legal advice",
    )
    weights_license = serializers.CharField(allow_null=True)
    unknown_components = serializers.IntegerField(source="unknown_count", default=0)
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    def get_url(self, model) -> str:
        return absolute(self.context.get("request"), reverse("api:model-detail", args=[model.slug]))

    def get_html_url(self, model) -> str:
        return absolute(
            self.context.get("request"), reverse("catalog:model-detail", args=[model.slug])
        )

    def to_representation(self, model):
        data = super().to_representation(model)
        if data["unknown_components"] is None:
            data["unknown_components"] = 0
        return data


class PinSerializer(serializers.Serializer):
    repo = serializers.CharField(help_text="github:owner/name or huggingface:[datasets/]org/name")
    commit = serializers.CharField(help_text="the commit that was read")
    path = serializers.CharField(help_text="the file that was read; / for the whole tree")
    finding = serializers.CharField(help_text="what it says")
    url = serializers.SerializerMethodField(help_text="the file or tree at that commit")

    def get_url(self, pin) -> str:
        return pins.url(pin)


class EffectiveLicenceSerializer(serializers.Serializer):
    id = serializers.CharField(
        source="license.identifier", allow_null=True, help_text="null: no licence binds it"
    )
    origin = serializers.ChoiceField(
        choices=["own", "release", "base", ""],
        help_text="own: its own stated licence; release: the release licence of its kind; base: "
        "its base model's licence, which binds a fine-tune whatever its card states",
    )
    inherited_from = serializers.CharField(
        allow_null=True, help_text="the model the licence comes from, when origin is base"
    )
    explanation = serializers.SerializerMethodField()

    def get_explanation(self, item) -> str:
        return licence_phrase(item)

    def to_representation(self, item):
        data = super().to_representation(item)
        data["id"] = item.license.identifier if item.license else None
        data["inherited_from"] = item.inherited_from or None
        return data


class AssessmentSerializer(serializers.Serializer):
    component = serializers.CharField()
    group = serializers.SerializerMethodField()
    component_name = serializers.SerializerMethodField()
    availability = serializers.ChoiceField(choices=components.AVAILABILITIES)
    access = serializers.ChoiceField(
        choices=components.ACCESSES,
        help_text="click-through: a form that grants access at once (full availability); "
        "approval: each request must be approved (partial); empty: no gate",
    )
    license = LicenseSummarySerializer(
        allow_null=True, help_text="the licence the component states itself; null: none stated"
    )
    effective_license = EffectiveLicenceSerializer(
        source="effective", help_text="what binds it, and where that comes from"
    )
    evidence = serializers.ListField(child=serializers.URLField(), source="evidence_links")
    pins = PinSerializer(
        many=True, help_text="the files read at a commit behind a licence or absence claim"
    )
    note = serializers.CharField()
    assessed_at = serializers.DateField()
    assessed_by = serializers.CharField()
    source = serializers.CharField()

    def get_group(self, assessment) -> str:
        return components.get(assessment.component).group

    def get_component_name(self, assessment) -> str:
        return components.get(assessment.component).name


class CriterionSerializer(serializers.Serializer):
    id = serializers.CharField()
    passed = serializers.BooleanField()
    reason = serializers.CharField()
    components = serializers.ListField(child=serializers.CharField())


class SnapshotSerializer(serializers.Serializer):
    framework = serializers.ChoiceField(choices=list(frameworks.BY_ID))
    version = serializers.CharField()
    verdict = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    computed_at = serializers.DateTimeField()
    key = serializers.CharField()
    current = serializers.BooleanField(source="is_current")
    permalink = serializers.SerializerMethodField()

    def get_permalink(self, snapshot) -> str:
        path = reverse("catalog:snapshot", args=[snapshot.model.slug, snapshot.key])
        return absolute(self.context.get("request"), path)


class ScoreSerializer(SnapshotSerializer):
    criteria = CriterionSerializer(many=True, source="result.criteria")
    details = serializers.DictField(source="result.details")


class RestrictionSerializer(serializers.Serializer):
    flag = serializers.ChoiceField(choices=RESTRICTIONS)
    description = serializers.CharField()
    license = serializers.CharField()
    components = serializers.ListField(child=serializers.CharField())
    inherited_from = serializers.CharField(allow_null=True)


class HubRecordSerializer(serializers.Serializer):
    hub = serializers.ChoiceField(choices=HubRecord.Hub.values)
    repo_id = serializers.CharField(help_text="the repository as the catalogue names it")
    canonical_id = serializers.CharField(
        help_text="the repository as the hub names it now; empty until first read"
    )
    status = serializers.ChoiceField(
        choices=HubRecord.Status.values,
        help_text="pending: not read yet; ok; error: the last read failed; gone: deleted, "
        "private or gated away",
    )
    sha = serializers.CharField(help_text="the revision the hub last reported; empty if none")
    last_modified = serializers.DateTimeField(
        allow_null=True, help_text="when the repository last changed, as the hub says"
    )
    gated = serializers.CharField(
        help_text="auto or manual when downloads need approval; empty when they do not"
    )
    license_tag = serializers.CharField(help_text="the licence tag the hub shows; empty if none")
    checkpoint_branch_count = serializers.SerializerMethodField(
        help_text="how many branches hold intermediate checkpoints"
    )
    fetched_at = serializers.DateTimeField(allow_null=True, help_text="when the hub was last read")
    error = serializers.CharField(
        source="last_error", help_text="why the last read failed; empty when it succeeded"
    )

    def get_checkpoint_branch_count(self, record) -> int:
        return len(record.checkpoint_branches)


class ReleaseLicenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=components.LICENCE_KINDS)
    license = serializers.CharField()
    evidence = serializers.ListField(child=serializers.URLField())
    pins = PinSerializer(many=True)
    note = serializers.CharField()


class CorrectionSerializer(serializers.Serializer):
    date = serializers.DateField()
    model = serializers.CharField(source="model.slug")
    subject = serializers.CharField(
        help_text="a component id, release_licenses.<kind>, parameters or base_model"
    )
    before = serializers.CharField()
    after = serializers.CharField()
    reason = serializers.CharField()


class DifferenceSerializer(serializers.Serializer):
    topic = serializers.CharField(help_text="what they and we differ on")
    theirs = serializers.CharField(help_text="what the other index says")
    ours = serializers.CharField(help_text="what the Scorecard says")
    reason = serializers.CharField(help_text="why, by the Scorecard's own criteria")


class IndexVerdictSerializer(serializers.Serializer):
    index = serializers.ChoiceField(choices=["osi", "eosai", "mot"])
    index_name = serializers.CharField()
    name = serializers.CharField(help_text="the entry's name in that index")
    verdict = serializers.CharField(help_text="their verdict, class or summary, in their terms")
    date = serializers.DateField(allow_null=True, help_text="their date for the entry")
    date_meaning = serializers.CharField(help_text="what that date is")
    url = serializers.URLField(help_text="their entry")
    matched_by = serializers.ChoiceField(
        choices=["hub_repo", "name", "curator"], help_text="how the entry was matched to the model"
    )
    differences = DifferenceSerializer(many=True, help_text="empty when they agree with us")


class TrainingComputeSerializer(serializers.Serializer):
    flop = serializers.FloatField(
        help_text="cumulative training compute, floating-point operations"
    )
    source = serializers.ChoiceField(
        choices=["stated", "derived"],
        help_text="stated by the developer, or derived from the parameters and training tokens "
        "it states (6 operations per parameter per token)",
    )
    evidence = serializers.ListField(child=serializers.URLField())
    note = serializers.CharField(required=False)


class TrainingSummarySerializer(serializers.Serializer):
    published = serializers.BooleanField(
        help_text="a public summary of the training content (Art. 53(1)(d)) is published"
    )
    evidence = serializers.ListField(child=serializers.URLField())
    note = serializers.CharField(required=False)


class MonetisedSerializer(serializers.Serializer):
    value = serializers.BooleanField(help_text="provided against a price or otherwise monetised")
    evidence = serializers.ListField(child=serializers.URLField())
    note = serializers.CharField(required=False)


class EuAiActFactsSerializer(serializers.Serializer):
    training_compute = TrainingComputeSerializer(required=False)
    training_summary = TrainingSummarySerializer(required=False)
    monetised = MonetisedSerializer(required=False)


class ModelDetailSerializer(ModelListSerializer):
    description = serializers.CharField()
    homepage = serializers.CharField()
    hf_repos = serializers.ListField(child=serializers.CharField())
    github_repos = serializers.ListField(child=serializers.CharField())
    lineage = serializers.ListField(
        child=serializers.CharField(), help_text="ancestors, nearest first"
    )
    derivatives = serializers.ListField(child=serializers.CharField())
    restrictions = RestrictionSerializer(many=True)
    release_licenses = ReleaseLicenceSerializer(
        many=True, help_text="the licence the release applies to each kind of component"
    )
    assessments = AssessmentSerializer(many=True)
    corrections = CorrectionSerializer(many=True, help_text="published corrections, newest first")
    scores = serializers.DictField(child=ScoreSerializer())
    hub_records = HubRecordSerializer(many=True, help_text="what each hub last said")
    other_indexes = IndexVerdictSerializer(
        many=True, help_text="what OSI, the European Open Source AI Index and the MOT say"
    )
    eu_ai_act_facts = EuAiActFactsSerializer(
        help_text="the facts the EU AI Act lens reads, each with its evidence; a missing one is "
        "not known"
    )
    as_of = serializers.DateField(allow_null=True)


class ChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    subject = serializers.CharField()
    subject_key = serializers.CharField()
    model = serializers.CharField(source="model.slug", allow_null=True)
    action = serializers.CharField()
    actor = serializers.CharField()
    reason = serializers.CharField()
    changed_fields = serializers.ListField(child=serializers.CharField())
    before = serializers.DictField(allow_null=True)
    after = serializers.DictField(allow_null=True)


class ComponentSerializer(serializers.Serializer):
    id = serializers.CharField()
    group = serializers.CharField()
    name = serializers.CharField()
    meaning = serializers.CharField()
    mof = serializers.CharField()
    osaid = serializers.CharField()
    eosai = serializers.CharField()


class CriterionDefinitionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="as in the criteria of this framework's results")
    name = serializers.CharField()
    description = serializers.CharField()
    components = serializers.ListField(
        child=serializers.CharField(),
        help_text="the components it reads; empty: the licences of every released component",
    )
    mof_class = serializers.ChoiceField(
        choices=list(mof.CLASS_NAMES), allow_null=True, help_text="for the MOF: the class it is in"
    )
    group = serializers.CharField(
        allow_null=True, help_text="for the Openness Index: the group it is averaged in"
    )
    optional = serializers.BooleanField(help_text="counted, but never holds a verdict back")


class FrameworkVersionSerializer(serializers.Serializer):
    version = serializers.CharField()
    date = serializers.DateField()
    change = serializers.CharField()


class FrameworkSerializer(serializers.Serializer):
    id = serializers.CharField(source="ID")
    name = serializers.CharField(source="NAME")
    version = serializers.CharField(source="VERSION")
    rules = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    def get_rules(self, framework) -> str:
        return " ".join((framework.__doc__ or "").split())

    @extend_schema_field(CriterionDefinitionSerializer(many=True))
    def get_criteria(self, framework):
        return CriterionDefinitionSerializer(criteria_of(framework.ID), many=True).data

    @extend_schema_field(FrameworkVersionSerializer(many=True))
    def get_versions(self, framework):
        return [{"version": v, "date": d, "change": c} for v, d, c in framework.CHANGES]


# --- The detail as plain data ----------------------------------------------------------------------
# DRF walks a serializer field by field, and the detail nests twenty assessments, each with two
# licences and its pins, and six scores with their criteria: that walk was most of the answer's
# time, and building the serializer's fields a good part of the rest. model_detail_data builds
# the same data directly. ModelDetailSerializer remains what the schema is generated from, and
# the reference: tests/test_api.py holds the two equal, byte for byte, for every model of the
# catalogue.

_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def model_detail_data(detail, request):
    """What ModelDetailSerializer gives for `detail` (a directory row with the detail-only
    values, as catalog.api.views.model_details makes it)."""
    data = model_list_data(detail, request)
    data.update(
        description=detail.description,
        homepage=detail.homepage,
        hf_repos=list(detail.hf_repos),
        github_repos=list(detail.github_repos),
        lineage=list(detail.lineage),
        derivatives=list(detail.derivatives),
        restrictions=[restriction.as_dict() for restriction in detail.restrictions],
        release_licenses=[_release_licence(entry) for entry in detail.release_licenses],
        assessments=[_assessment(assessment) for assessment in detail.assessments],
        corrections=[_correction(correction) for correction in detail.corrections],
        scores={
            framework: _score(snapshot, request) for framework, snapshot in detail.scores.items()
        },
        hub_records=[_hub_record(record) for record in detail.hub_records],
        other_indexes=[_index_verdict(item) for item in detail.other_indexes],
        eu_ai_act_facts=_eu_ai_act_facts(detail.eu_ai_act_facts),
        as_of=_DATE.to_representation(detail.as_of),
    )
    return data


def model_list_data(row, request):
    """What ModelListSerializer gives for `row` (a directory row), byte for byte, built as plain
    data: the serializer's fields cost more than the rest of the answer."""
    progress = row.mof_progress
    return {
        "slug": row.slug,
        "name": row.name,
        "organization": {"slug": row.organization.slug, "name": row.organization.name},
        "family": row.family,
        "release_date": _DATE.to_representation(row.release_date),
        "parameters": None if row.parameters is None else int(row.parameters),
        "modality": row.modality,
        "kind": row.kind,
        "base_model": row.base_model.slug if row.base_model else None,
        "review_status": row.review_status,
        "headline": row.g7_verdict,
        "g7": row.g7_verdict,
        "label": row.label_verdict,
        "openness_index": None if row.index_score is None else float(row.index_score),
        "osaid": row.osaid_verdict,
        "mof_class": row.mof_verdict,
        "mof_progress": None
        if progress is None
        else {mof_class: float(progress[mof_class]) for mof_class in ("III", "II", "I")},
        "eu_ai_act": row.eu_ai_act_verdict,
        "weights_license": row.weights_license,
        "unknown_components": 0 if row.unknown_count is None else int(row.unknown_count),
        "updated_at": _DATETIME.to_representation(row.updated_at),
        "url": absolute(request, reverse("api:model-detail", args=[row.slug])),
        "html_url": absolute(request, reverse("catalog:model-detail", args=[row.slug])),
    }


def _pin(pin):
    return {
        "repo": pin["repo"],
        "commit": pin["commit"],
        "path": pin["path"],
        "finding": pin["finding"],
        "url": pins.url(pin),
    }


def _release_licence(entry):
    return {
        "kind": entry["kind"],
        "license": entry["license"],
        "evidence": list(entry["evidence"]),
        "pins": [_pin(pin) for pin in entry["pins"]],
        "note": entry["note"],
    }


def _licence_summary(lic):
    if lic is None:
        return None
    return {
        "id": lic.identifier,
        "name": lic.name,
        "url": lic.url,
        "kind": lic.kind,
        "osi_approved": lic.osi_approved,
        "restrictions": lic.restrictions,
    }


def _effective_licence(item):
    if item is None:
        return None
    return {
        "id": item.license.identifier if item.license else None,
        "origin": item.origin,
        "inherited_from": item.inherited_from or None,
        "explanation": licence_phrase(item),
    }


def _assessment(assessment):
    component = components.get(assessment.component)
    return {
        "component": assessment.component,
        "group": component.group,
        "component_name": component.name,
        "availability": assessment.availability,
        "access": assessment.access,
        "license": _licence_summary(assessment.license),
        "effective_license": _effective_licence(assessment.effective),
        "evidence": assessment.evidence_links,
        "pins": [_pin(pin) for pin in assessment.pins],
        "note": assessment.note,
        "assessed_at": _DATE.to_representation(assessment.assessed_at),
        "assessed_by": assessment.assessed_by,
        "source": assessment.source,
    }


def _correction(correction):
    return {
        "date": _DATE.to_representation(correction.date),
        "model": correction.model.slug,
        "subject": correction.subject,
        "before": correction.before,
        "after": correction.after,
        "reason": correction.reason,
    }


def _score(snapshot, request):
    path = reverse("catalog:snapshot", args=[snapshot.model.slug, snapshot.key])
    return {
        "framework": snapshot.framework,
        "version": snapshot.version,
        "verdict": snapshot.verdict,
        "score": None if snapshot.score is None else float(snapshot.score),
        "computed_at": _DATETIME.to_representation(snapshot.computed_at),
        "key": snapshot.key,
        "current": snapshot.is_current,
        "permalink": absolute(request, path),
        "criteria": [
            {
                "id": criterion["id"],
                "passed": criterion["passed"],
                "reason": criterion["reason"],
                "components": list(criterion["components"]),
            }
            for criterion in snapshot.result["criteria"]
        ],
        "details": dict(snapshot.result["details"]),
    }


def _hub_record(record):
    return {
        "hub": record.hub,
        "repo_id": record.repo_id,
        "canonical_id": record.canonical_id,
        "status": record.status,
        "sha": record.sha,
        "last_modified": _DATETIME.to_representation(record.last_modified),
        "gated": record.gated,
        "license_tag": record.license_tag,
        "checkpoint_branch_count": len(record.checkpoint_branches),
        "fetched_at": _DATETIME.to_representation(record.fetched_at),
        "error": record.last_error,
    }


def _index_verdict(item):
    return {
        "index": item["index"],
        "index_name": item["index_name"],
        "name": item["name"],
        "verdict": item["verdict"],
        "date": _DATE.to_representation(item["date"]),
        "date_meaning": item["date_meaning"],
        "url": item["url"],
        "matched_by": item["matched_by"],
        "differences": [
            {key: difference[key] for key in ("topic", "theirs", "ours", "reason")}
            for difference in item["differences"]
        ],
    }


# Each fact the EU AI Act lens reads, with its keys as EuAiActFactsSerializer declares them and
# how each value is written; a fact or key the model's facts leave out is left out here too.
EU_AI_ACT_FACTS = {
    "training_compute": {"flop": float, "source": str, "evidence": list, "note": str},
    "training_summary": {"published": bool, "evidence": list, "note": str},
    "monetised": {"value": bool, "evidence": list, "note": str},
}


def _eu_ai_act_facts(facts):
    if facts is None:
        return None
    data = {}
    for name, keys in EU_AI_ACT_FACTS.items():
        if name not in facts:
            continue
        fact = facts[name]
        data[name] = None if fact is None else {
            key: None if fact[key] is None else write(fact[key])
            for key, write in keys.items()
            if key in fact
        }  # fmt: skip
    return data
