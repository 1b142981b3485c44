import functools
import json

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Lower

from catalog import clauses, components

# Every URL the Scorecard stores and shows as a link is http(s): never ftp:, file:, javascript:.
# A code of its own: URLField would replace the message of the code "invalid" with its own.
validate_http_url = URLValidator(
    schemes=["http", "https"], message="Enter an http:// or https:// URL.", code="not_http"
)


class HttpURLField(models.URLField):
    """A URL field that takes http(s) URLs only, in the database's forms as in its models."""

    default_validators = [validate_http_url]

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.validators = [
            validate_http_url if isinstance(validator, URLValidator) else validator
            for validator in field.validators
        ]
        return field


def is_http_url(value):
    return isinstance(value, str) and _is_http_url(value)


@functools.lru_cache(maxsize=4096)  # a model page checks each of its evidence URLs on every build
def _is_http_url(value):
    try:
        validate_http_url(value)
    except ValidationError:
        return False
    return True


# `field__lower=value`: the repository-id searches, served by the Lower(...) indexes below.
models.CharField.register_lookup(Lower)


class Organization(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company"
        ACADEMIC = "academic"
        NON_PROFIT = "non-profit"
        COLLABORATION = "collaboration"
        GOVERNMENT = "government"
        UNKNOWN = "unknown", "Not yet reviewed (a Hub account read by machine)"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    homepage = HttpURLField(blank=True)
    hf_authors = models.JSONField(
        default=list, blank=True, help_text="Hugging Face accounts whose new repos are discovered"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def _clause_text(flag):
    clause = clauses.get(flag)
    return {"verbose_name": clause.name, "help_text": clause.describe()}


def _clause_field(flag):
    return models.BooleanField(default=False, **_clause_text(flag))


class License(models.Model):
    """A licence with its clause flags. `identifier` is an SPDX id or `LicenseRef-<key>`."""

    class Category(models.TextChoices):
        SOFTWARE = "software"
        DATA = "data"
        CONTENT = "content"
        MODEL = "model"
        PROPRIETARY = "proprietary"

    identifier = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    url = HttpURLField(max_length=500)
    version = models.CharField(max_length=100, blank=True)
    osi_approved = models.BooleanField()
    category = models.CharField(max_length=20, choices=Category.choices)
    open_data = models.BooleanField(
        default=False, help_text="CC0, CC-BY, CC-BY-SA, CDLA, ODC-By, ODbL, PDDL"
    )
    open_content = models.BooleanField(default=False, help_text="CC0, CC-BY, CC-BY-SA")
    commercial_use = models.BooleanField()
    # The clauses (catalog/clauses.py): their labels and help texts come from the registry.
    mau_cap = models.PositiveBigIntegerField(null=True, blank=True, **_clause_text("mau_cap"))
    acceptable_use_policy = _clause_field("acceptable_use_policy")
    terms_changeable = _clause_field("terms_changeable")
    field_of_use = _clause_field("field_of_use")
    no_improving_other_models = _clause_field("no_improving_other_models")
    attribution = _clause_field("attribution")
    name_prefix = _clause_field("name_prefix")
    litigation_termination = _clause_field("litigation_termination")
    geographic = _clause_field("geographic")
    non_commercial = _clause_field("non_commercial")
    revocable = _clause_field("revocable")
    remote_restriction = _clause_field("remote_restriction")
    flow_down = _clause_field("flow_down")
    covers_trained_models = _clause_field("covers_trained_models")
    clause_scopes = models.JSONField(
        default=dict,
        blank=True,
        help_text='Clauses that bind only some releases: {"geographic": {"modalities": '
        '["vision-language", "multimodal"], "note": "..."}}',
    )
    hf_license_tag = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    source = models.TextField()

    class Meta:
        ordering = ["identifier"]
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier__regex=r"^(LicenseRef-[A-Za-z0-9.\-]+|[A-Za-z0-9.\-+]+)$"),
                name="license_identifier_spdx_form",
            ),
        ]

    def __str__(self):
        return self.identifier

    @property
    def is_spdx(self):
        return not self.identifier.startswith("LicenseRef-")

    @property
    def is_open(self):
        return self.osi_approved or self.open_data or self.open_content

    @property
    def restrictions(self):
        """The restrictive clauses this licence carries, as flags in the registry's order."""
        return list(clauses.present_in(self))

    @property
    def kind(self):
        """open / non-commercial / restricted / proprietary, as DESIGN.md defines them."""
        if self.identifier == "NOASSERTION":
            return "no assertion"
        if self.category == self.Category.PROPRIETARY:
            return "proprietary"
        if self.non_commercial or not self.commercial_use:
            return "non-commercial"
        if self.is_open and not self.restrictions:
            return "open"
        return "restricted"


def names_hf_repo(repo_id):
    """A condition on AIModel: `repo_id` is among its `hf_repos` (the JSON list).

    PostgreSQL answers a list containment from the jsonb; SQLite (the embedded default) has no
    such lookup, so there the list's JSON text is searched for the quoted id, in any letter case.
    """
    if connection.vendor == "postgresql":
        return Q(hf_repos__contains=[repo_id])
    return Q(hf_repos__icontains=json.dumps(repo_id))


class AIModelQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=AIModel.Status.PUBLISHED)

    def curated(self):
        """Published and reviewed by a curator: what the default ranking and pages show."""
        return self.published().filter(review_status=AIModel.ReviewStatus.CURATED)

    def machine_read(self):
        return self.published().filter(review_status=AIModel.ReviewStatus.MACHINE_READ)


class AIModel(models.Model):
    """One model release."""

    class Modality(models.TextChoices):
        TEXT = "text"
        CODE = "code"
        VISION_LANGUAGE = "vision-language"
        MULTIMODAL = "multimodal"
        AUDIO = "audio"
        IMAGE = "image"
        VIDEO = "video"
        ROBOTICS = "robotics"
        OTHER = "other"

    class Kind(models.TextChoices):
        BASE = "base"
        INSTRUCT = "instruct"
        CHAT = "chat"
        CODE = "code"
        REASONING = "reasoning"
        MULTIMODAL = "multimodal"
        UNKNOWN = "unknown", "Not yet reviewed"

    class Status(models.TextChoices):
        PUBLISHED = "published"
        DRAFT = "draft", "Draft (not public until a curator reviews it)"
        RETIRED = "retired", "Retired: merged into the curated entry of the same repository"

    class ReviewStatus(models.TextChoices):
        CURATED = "curated", "Curated: reviewed by a curator"
        MACHINE_READ = "machine-read", "Machine-read from the Hub, not reviewed by a curator"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="models")
    family = models.CharField(max_length=100)
    release_date = models.DateField()
    parameters = models.PositiveBigIntegerField(null=True, blank=True, help_text="Total count")
    modality = models.CharField(max_length=20, choices=Modality.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    base_model = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derivatives"
    )
    hf_repos = models.JSONField(default=list, blank=True, help_text="Hugging Face repo ids")
    github_repos = models.JSONField(default=list, blank=True, help_text="GitHub owner/repo")
    homepage = HttpURLField(blank=True, max_length=500)
    description = models.TextField(blank=True)
    release_licenses = models.JSONField(
        default=dict,
        blank=True,
        help_text="The licence the release applies per kind (code, data, documents, weights): "
        '{"code": {"license": "Apache-2.0", "evidence": [...], "pins": [...], "note": ""}}',
    )
    training_data_withheld = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why the developer withholds training data, as it states it: "
        '{"reason": "legal" | "technical" | "unstated", "evidence": [...], "note": ""}',
    )
    eu_ai_act_facts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The EU AI Act lens's facts, each with evidence: "
        '{"training_compute": {"flop": 3.8e25, "source": "stated" | "derived", "evidence": [...], '
        '"note": ""}, "training_summary": {"published": true, "evidence": [...], "note": ""}, '
        '"monetised": {"value": false, "evidence": [...], "note": ""}}',
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged",
        help_text="the curated entry a retired machine-read entry was merged into",
    )  # fmt: skip
    review_status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.CURATED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the text search reads (catalog.filtering.search): on PostgreSQL a trigger keeps it
    # current from the name, family, slug, repo ids, organisation and description, and the GIN
    # index aimodel_search_idx serves it (both in migration 0025); elsewhere it stays empty.
    # Derived, so never backed up: a restore recomputes it.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    objects = AIModelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "AI model"
        indexes = [
            models.Index(fields=["organization", "release_date"], name="aimodel_org_release_idx"),
            # The default ranking and every curated list: a few hundred curated entries found
            # among a hundred thousand machine-read ones without reading them all.
            models.Index(fields=["review_status", "status"], name="aimodel_listed_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_machine_read(self):
        return self.review_status == self.ReviewStatus.MACHINE_READ

    def clean(self):
        super().clean()
        if self.base_model_id and (cycle := self.lineage_cycle(self.base_model)):
            raise ValidationError({"base_model": f"Lineage cycle: {cycle}."})

    def lineage_cycle(self, base):
        """The cycle that making `base` this model's base would close, in words, or ''.

        Walks up from `base` one query a generation, and stops at a cycle it does not close
        itself (a database restored from before lineage was checked may hold one).
        """
        if self.pk is None:
            return ""  # nothing can be built on a model not saved yet
        slugs, seen, pk = [self.slug], set(), base.pk
        while pk is not None and pk not in seen:
            if pk == self.pk:
                return describe_cycle([*slugs, self.slug])
            seen.add(pk)
            slug, pk = AIModel.objects.filter(pk=pk).values_list("slug", "base_model_id").get()
            slugs.append(slug)
        return ""


def describe_cycle(slugs):
    """'a is built on b, which is built on a' for the chain [a, b, a]."""
    words = f"{slugs[0]} is built on {slugs[1]}"
    return words + "".join(f", which is built on {slug}" for slug in slugs[2:])


class Assessment(models.Model):
    """What was released of one component of one model, under which licence, with evidence."""

    class Source(models.TextChoices):
        CURATED = "curated"
        HUB = "hub"

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="assessments")
    component = models.CharField(
        max_length=40, choices=[(c.id, c.name) for c in components.COMPONENTS]
    )
    availability = models.CharField(max_length=20, choices=components.AVAILABILITY_CHOICES)
    license = models.ForeignKey(
        License,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="Leave empty when no licence is stated.",
    )
    evidence = models.JSONField(
        default=list, blank=True, help_text="URLs of primary sources; required unless unknown"
    )
    access = models.CharField(
        max_length=20, choices=components.ACCESS_CHOICES, default="", blank=True
    )
    pins = models.JSONField(
        default=list,
        blank=True,
        help_text="The files read at a commit behind a licence or absence claim: "
        '[{"repo": "github:owner/name", "commit": "64bc595", "path": "LICENSE", "finding": "..."}]',
    )
    note = models.TextField(blank=True)
    assessed_at = models.DateField()
    assessed_by = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CURATED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model", "component"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "component"], name="assessment_one_per_component"
            ),
            models.CheckConstraint(
                condition=Q(component__in=components.COMPONENT_IDS),
                name="assessment_known_component",
            ),
            models.CheckConstraint(
                condition=Q(availability__in=components.AVAILABILITIES),
                name="assessment_known_availability",
            ),
        ]

    def __str__(self):
        return f"{self.model.slug} / {self.component}"

    @property
    def evidence_links(self):
        """The evidence URLs to show as links: http(s) only, whatever an older row holds."""
        return [url for url in self.evidence if is_http_url(url)]


class Change(models.Model):
    """One change to a model, assessment, licence or organisation: who, when, why, before, after.

    Rows are only ever added. `before` is null for a creation and `after` for a deletion; a review
    (a curator kept the row as it was) has both, equal.
    """

    class Subject(models.TextChoices):
        ORGANIZATION = "organization"
        LICENSE = "license"
        MODEL = "model"
        ASSESSMENT = "assessment"
        HUB = "hub", "Hub record"

    class Action(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        DELETED = "deleted"
        OBSERVED = "observed", "Observed on a hub (a curator decides)"
        REVIEWED = "reviewed", "Reviewed (unchanged)"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    subject_key = models.CharField(
        max_length=200, help_text="slug, licence id, or model slug/component"
    )
    model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.TextField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "subject_key", "-at"], name="change_subject_idx"),
            models.Index(fields=["model", "-at"], name="change_model_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.action} {self.subject} {self.subject_key}"

    @property
    def changed_fields(self):
        before, after = self.before or {}, self.after or {}
        return sorted(
            key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
        )


class Correction(models.Model):
    """A published correction of a verdict-relevant fact: the public corrections log.

    Written by the catalogue loader from a model's or a licence's `corrections` and by curators'
    saves that change a verdict-relevant fact; the full audit trail stays in Change. A correction
    is of one model or of one licence (whose clauses bind every model under it).
    """

    model = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections_made"
    )
    license = models.ForeignKey(
        License, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections_made"
    )
    date = models.DateField()
    subject = models.CharField(
        max_length=60,
        help_text="a component id, release_licenses.<kind>, parameters or base_model of a model; "
        "a clause flag, clause_scopes or another field of a licence",
    )
    before = models.TextField()
    after = models.TextField()
    reason = models.TextField()
    position = models.PositiveIntegerField(default=0, help_text="order within the model's log")

    class Meta:
        ordering = ["-date", "model", "position"]
        indexes = [models.Index(fields=["-date", "-id"], name="correction_log_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(model__isnull=False, license__isnull=True)
                | Q(model__isnull=True, license__isnull=False),
                name="correction_of_a_model_or_a_licence",
            ),
        ]

    def __str__(self):
        what = self.model.slug if self.model_id else self.license.identifier
        return f"{self.date} {what} {self.subject}"


class ScoreSnapshot(models.Model):
    """A framework's result for a model, as computed from the evidence at one moment.

    A new snapshot is written only when the evidence (`inputs_hash`) or the rules (`version`)
    change; the newest per model and framework is marked current. `key` names it in permalinks.
    """

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="snapshots")
    framework = models.CharField(max_length=20)
    version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()
    inputs_hash = models.CharField(max_length=64)
    key = models.CharField(max_length=60)
    is_current = models.BooleanField(default=True)
    verdict = models.CharField(max_length=40)
    score = models.FloatField(null=True)
    result = models.JSONField()

    class Meta:
        ordering = ["model", "framework", "-computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "framework"],
                condition=Q(is_current=True),
                name="snapshot_one_current_per_framework",
            ),
            models.UniqueConstraint(fields=["model", "key"], name="snapshot_key_unique_per_model"),
        ]
        indexes = [
            # The directory ranks current scores of one framework.
            models.Index(
                fields=["framework", "-score"],
                condition=Q(is_current=True),
                name="snapshot_current_rank_idx",
            ),
            # A model's history, newest first.
            models.Index(
                fields=["model", "framework", "-computed_at"], name="snapshot_history_idx"
            ),
            # The newest snapshot of all: half of the data version behind ETags and caches.
            models.Index(fields=["computed_at"], name="snapshot_computed_at_idx"),
        ]

    def __str__(self):
        return f"{self.model.slug} {self.framework} {self.version} {self.computed_at:%Y-%m-%d}"


class CurrentScores(models.Model):
    """The current verdict and score of a model under every framework, in one row.

    Derived from the current snapshots by the scorer and rewritten with them, so that ranked
    lists sort and filter on plain indexed columns. Never edited by hand.
    """

    model = models.OneToOneField(
        AIModel, on_delete=models.CASCADE, primary_key=True, related_name="current"
    )
    g7_verdict = models.CharField(max_length=40, default="")
    g7_score = models.FloatField(default=0.0)
    eu_ai_act_verdict = models.CharField(max_length=40, default="")
    eu_ai_act_score = models.FloatField(default=0.0)
    label_verdict = models.CharField(max_length=40)
    label_score = models.FloatField()
    osaid_verdict = models.CharField(max_length=40)
    osaid_score = models.FloatField()
    mof_verdict = models.CharField(max_length=40)
    mof_score = models.FloatField()
    mof_progress = models.JSONField()
    index_verdict = models.CharField(max_length=40)
    index_score = models.FloatField()
    weights_license = models.CharField(max_length=100, blank=True)
    weights_availability = models.CharField(max_length=20)
    unknown_count = models.PositiveSmallIntegerField()
    # What each directory cell shows, one letter a component in taxonomy order (see
    # selectors.encode_states), so that a page of the directory needs no assessments.
    component_states = models.CharField(max_length=40, blank=True)
    # The licence clauses binding the model (frameworks.restrictions.flags), each between commas
    # (`,non_commercial,mau_cap,`), so that the restriction filter is a plain condition on this
    # row; empty until the scorer first summarises the row with them.
    restriction_flags = models.CharField(max_length=400, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "current scores"
        indexes = [
            # The directory's orderings, each with its tie-breaks.
            models.Index(fields=["-g7_score", "-index_score"], name="current_g7_rank_idx"),
            models.Index(fields=["-label_score", "-index_score"], name="current_label_rank_idx"),
            models.Index(fields=["-index_score", "-label_score"], name="current_index_rank_idx"),
            models.Index(fields=["-osaid_score", "-label_score"], name="current_osaid_rank_idx"),
            models.Index(fields=["-mof_score", "-label_score"], name="current_mof_rank_idx"),
            models.Index(
                fields=["-eu_ai_act_score", "-g7_score"], name="current_eu_ai_act_rank_idx"
            ),
        ]

    def __str__(self):
        return f"{self.model_id}: {self.label_verdict}, index {self.index_score}"


class HubRecord(models.Model):
    """What a hub last said about one repository of a model, kept for provenance."""

    class Hub(models.TextChoices):
        HUGGINGFACE = "huggingface", "Hugging Face Hub"
        GITHUB = "github", "GitHub"

    class Status(models.TextChoices):
        PENDING = "pending", "Not fetched yet"
        OK = "ok"
        ERROR = "error", "Last fetch failed"
        GONE = "gone", "Deleted, private or gated away"

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="hub_records")
    hub = models.CharField(max_length=20, choices=Hub.choices)
    repo_id = models.CharField(max_length=200, help_text="as the catalogue names it")
    canonical_id = models.CharField(max_length=200, blank=True, help_text="as the hub names it now")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sha = models.CharField(max_length=64, blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    hub_created_at = models.DateTimeField(null=True, blank=True)
    gated = models.CharField(max_length=10, blank=True, help_text="'', 'auto' or 'manual'")
    private = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    license_tag = models.CharField(max_length=100, blank=True)
    license_name = models.CharField(max_length=200, blank=True)
    license_link = models.CharField(max_length=500, blank=True)
    parameters = models.PositiveBigIntegerField(null=True, blank=True)
    base_models = models.JSONField(default=list, blank=True)
    datasets = models.JSONField(default=list, blank=True)
    files = models.JSONField(default=list, blank=True)
    weight_files = models.JSONField(
        default=list, blank=True, help_text="the files that are weights, in any format"
    )
    weight_formats = models.JSONField(default=list, blank=True)
    pipeline_tag = models.CharField(max_length=60, blank=True)
    checkpoint_branches = models.JSONField(default=list, blank=True)
    downloads = models.PositiveBigIntegerField(null=True, blank=True)
    likes = models.PositiveIntegerField(null=True, blank=True)
    raw = models.JSONField(null=True, blank=True, help_text="the hub's last answer, verbatim")
    payload_digest = models.CharField(
        max_length=64, blank=True,
        help_text="a digest of what the adapter read of the last answer applied, '' until one is",
    )  # fmt: skip
    fetched_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True, help_text="when what it said changed")
    last_error = models.TextField(blank=True)
    error_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    missing_since = models.DateTimeField(
        null=True, blank=True,
        help_text="when the hub first said the repository is not there, until that is confirmed",
    )  # fmt: skip

    class Meta:
        ordering = ["model", "hub", "repo_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "hub", "repo_id"], name="hubrecord_one_per_model_repo"
            ),
        ]
        indexes = [
            # The dispatcher takes the stalest records that are due.
            models.Index(fields=["next_attempt_at", "fetched_at"], name="hubrecord_due_idx"),
            # Search by repository id, in any letter case, as named or as the hub names it now.
            models.Index(Lower("repo_id"), name="hubrecord_repo_lower_idx"),
            models.Index(Lower("canonical_id"), name="hubrecord_canonical_lower_idx"),
        ]

    def __str__(self):
        return f"{self.get_hub_display()} {self.repo_id}"


class Discrepancy(models.Model):
    """A hub disagreeing with a curated assessment: a curator decides, nothing is overwritten."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACCEPTED = "accepted", "Accepted: the assessment was updated"
        DISMISSED = "dismissed", "Dismissed: the curated value stands"

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="discrepancies")
    component = models.CharField(
        max_length=40, choices=[(c.id, c.name) for c in components.COMPONENTS]
    )
    hub_record = models.ForeignKey(HubRecord, null=True, on_delete=models.SET_NULL)
    field = models.CharField(
        max_length=40, help_text="what differs: license, gating, checkpoints, ..."
    )
    curated_value = models.JSONField(null=True)
    hub_value = models.JSONField(null=True)
    message = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name_plural = "discrepancies"
        constraints = [
            models.UniqueConstraint(
                fields=["model", "component", "field"],
                condition=Q(status="open"),
                name="discrepancy_one_open_per_field",
            ),
        ]

    def __str__(self):
        return f"{self.model.slug}/{self.component}: {self.field}"


class CorrectionRequest(models.Model):
    """A reader's proposed correction. Changes nothing public until a curator accepts it."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="corrections")
    component = models.CharField(
        max_length=40, choices=[(c.id, c.name) for c in components.COMPONENTS]
    )
    proposed_availability = models.CharField(
        max_length=20, blank=True, choices=components.AVAILABILITY_CHOICES
    )
    proposed_license = models.CharField(max_length=200, blank=True)
    evidence_url = HttpURLField(max_length=500)
    # A limit the database keeps too: what a reader writes is never unbounded.
    explanation = models.CharField(max_length=2000, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitter = models.CharField(max_length=64, blank=True, help_text="hash of the address")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "-submitted_at"], name="correction_queue_idx")]

    def __str__(self):
        return f"{self.model.slug}/{self.component} ({self.status})"


class RateCounter(models.Model):
    """Attempts counted under one key (an address or an account) until the window expires.

    The security limits (the admin's sign-in lockout, the readers' correction limit) count here,
    in the database, not in the cache: they hold while Redis is down and outlive its restarts.
    """

    key = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="ratecounter_one_per_key")]
        # Expired counters are removed by expiry (rate_limits.hit).
        indexes = [models.Index(fields=["expires_at"], name="ratecounter_expiry_idx")]

    def __str__(self):
        return f"{self.key}: {self.count} until {self.expires_at:%Y-%m-%d %H:%M}"


class IndexSource(models.TextChoices):
    """The other indexes whose published verdicts are imported and compared with ours."""

    OSI = "osi", "OSI's OSAID 1.0 validation"
    EOSAI = "eosai", "European Open Source AI Index"
    MOT = "mot", "Model Openness Tool"


class IndexImport(models.Model):
    """The state of one index's importer: the upstream revision last read, and its last error.

    `revision` is the upstream commit (or, for OSI's list, the hash of the data file); an import
    that finds the same revision writes nothing. `last_error` stays until a revision imports
    without one.
    """

    source = models.CharField(max_length=10, choices=IndexSource.choices, unique=True)
    revision = models.CharField(max_length=64, blank=True)
    revision_date = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source"]

    def __str__(self):
        return self.get_source_display()


class IndexEntry(models.Model):
    """What another index says about one system, as it published it (one upstream file or row).

    `details` keeps the parsed entry (per-dimension classes, listed components...); `matched_models`
    are our models it is matched to. An entry that matched nothing, or several candidates only,
    waits in the admin for a curator.
    """

    source = models.CharField(max_length=10, choices=IndexSource.choices)
    key = models.CharField(max_length=300, help_text="The upstream's own id: a file path or name")
    name = models.CharField(max_length=200)
    verdict = models.CharField(max_length=120)
    details = models.JSONField(default=dict, blank=True)
    hf_repos = models.JSONField(default=list, blank=True, help_text="Repo ids naming the system")
    candidates = models.JSONField(
        default=list, blank=True, help_text="Slugs of our models it may be, for a curator to match"
    )
    dated = models.DateField(null=True, blank=True)
    date_meaning = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500)
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    matched_models = models.ManyToManyField(
        AIModel, through="IndexMatch", related_name="index_entries", blank=True
    )

    class Meta:
        ordering = ["source", "name"]
        verbose_name_plural = "index entries"
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="indexentry_source_key_unique")
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.name}"


class IndexMatch(models.Model):
    """One of our models that an index entry speaks about, and how that was established."""

    class Method(models.TextChoices):
        HUB_REPO = "hub_repo", "Same Hugging Face repository"
        NAME = "name", "Same name"
        CURATOR = "curator", "Confirmed by a curator"

    entry = models.ForeignKey(IndexEntry, on_delete=models.CASCADE, related_name="matches")
    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="index_matches")
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.CURATOR)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "model"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "model"], name="indexmatch_entry_model_unique")
        ]

    def __str__(self):
        return f"{self.entry} = {self.model}"


class DataVersion(models.Model):
    """The one row saying when the evidence base last changed: ETags and Last-Modified rest on it.

    Each write moves it on inside its own transaction (catalog.data_version.bump_data_version), so the
    version commits, or rolls back, with the write it stands for.
    """

    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="dataversion_one_row")]

    def __str__(self):
        return self.changed_at.isoformat()
