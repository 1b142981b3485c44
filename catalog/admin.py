"""The curators' tool. Every save asks why, and files who, when, before and after in the history."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q

from catalog import catalogue, components, history, publishing
from catalog.catalogue import REPO_RE
from catalog.curation import (
    Refused,
    promote_to_curated,
    publish_correction,
    resolve_correction,
    resolve_discrepancy,
)
from catalog.data_version import bump_data_version
from catalog.models import (
    AIModel,
    Assessment,
    Change,
    CorrectionRequest,
    Discrepancy,
    HubRecord,
    IndexEntry,
    IndexImport,
    IndexMatch,
    License,
    Organization,
    validate_http_url,
)
from catalog.refresh import apply as refresh_apply
from catalog.sync import fill_missing_assessments


class LinesField(forms.Field):
    """A list of strings edited one per line, each checked by `check(line)`, duplicates dropped."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def __init__(self, *, check, **kwargs):
        self.check = check
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        lines = [line.strip() for line in (value or "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def validate(self, value):
        super().validate(value)
        for line in value:
            self.check(line)


def check_url(value):
    try:
        validate_http_url(value)
    except ValidationError:
        raise ValidationError(f"{value!r} is not a well-formed http(s) URL") from None


def check_repo(value):
    if not REPO_RE.match(value):
        raise ValidationError(f"{value!r} is not an owner/name repository id")


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why this change? Kept in the public history with your name and the date.",
    )


class CheckedReasonForm(ReasonForm):
    """A form that refuses to save over a colleague's change made since it was opened: the save
    would silently put back what they changed, under the second curator's name."""

    noun = "row"  # what the row is, in the refusal
    # The newest change filed to the row when the form was opened.
    seen_change = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def edits(self):
        """The changes filed to this form's row (and what it owns) that altered it."""
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_change"].initial = (
                self.edits().aggregate(newest=Max("pk"))["newest"] or 0
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Held until the save commits (the admin saves in one transaction), so that two saves
            # at once take turns, and the second finds the first's change.
            model = type(self.instance)
            list(model.objects.select_for_update().filter(pk=self.instance.pk).values("pk"))
            since = list(self.edits().filter(pk__gt=cleaned.get("seen_change") or 0).order_by("pk"))
            if since:
                changes = "; ".join(
                    f"{c.subject_key} by {c.actor} at {c.at:%Y-%m-%d %H:%M} UTC "
                    f"({', '.join(c.changed_fields)})"
                    for c in since
                )
                raise ValidationError(
                    f"This {self.noun} changed since you opened this form: {changes}. Your "
                    f"changes are not saved: open the {self.noun} again to see what changed, and "
                    "make them again."
                )
        return cleaned


EDITS = [Change.Action.CREATED, Change.Action.UPDATED, Change.Action.DELETED]


class OrganizationForm(CheckedReasonForm):
    noun = "organisation"

    def edits(self):
        return Change.objects.filter(
            subject=Change.Subject.ORGANIZATION, subject_key=self.instance.slug, action__in=EDITS
        )


class LicenseForm(CheckedReasonForm):
    noun = "licence"

    def edits(self):
        return Change.objects.filter(
            subject=Change.Subject.LICENSE, subject_key=self.instance.identifier, action__in=EDITS
        )


class HistoryAdmin(admin.ModelAdmin):
    """Records every save and delete of the row in the history, with the reason given."""

    form = ReasonForm

    def actor(self, request):
        return request.user.get_username()

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = history.state_of(type(obj).objects.get(pk=obj.pk))
        obj.save()
        changed = history.record(
            obj,
            before=before,
            actor=self.actor(request),
            user=request.user,
            reason=form.cleaned_data["change_reason"],
        )
        if changed:
            publishing.evidence_changed(publishing.models_scored_from(obj))

    def delete_model(self, request, obj):
        self._delete_with_history(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._delete_with_history(request, obj)

    @transaction.atomic
    def _delete_with_history(self, request, obj):
        scored_from = publishing.models_scored_from(obj)
        history.record(
            obj,
            before=history.state_of(obj),
            actor=self.actor(request),
            user=request.user,
            reason=f"Deleted in the admin by {self.actor(request)}",
            deleted=True,
        )
        obj.delete()
        publishing.evidence_changed(scored_from)


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    form = OrganizationForm
    list_display = ["name", "slug", "kind", "country"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]


@admin.register(License)
class LicenseAdmin(HistoryAdmin):
    form = LicenseForm
    list_display = ["identifier", "name", "osi_approved", "category", "kind_label"]
    list_filter = ["osi_approved", "category", "non_commercial", "acceptable_use_policy"]
    search_fields = ["identifier", "name", "hf_license_tag"]

    @admin.display(description="kind")
    def kind_label(self, obj):
        return obj.kind


class AssessmentForm(forms.ModelForm):
    evidence = LinesField(
        check=check_url, required=False, help_text="One URL per line; required unless unknown."
    )

    class Meta:
        model = Assessment
        fields = ["availability", "license", "access", "evidence", "pins", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Compared with the row as read, not with a hidden copy of the initial value.
        self.fields["pins"].show_hidden_initial = False

    def clean_pins(self):
        return self.cleaned_data["pins"] or []

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("availability") not in (None, components.UNKNOWN) and not cleaned.get(
            "evidence"
        ):
            self.add_error("evidence", "Evidence is required unless the availability is unknown.")
        if (
            cleaned.get("access") == components.ACCESS_APPROVAL
            and cleaned.get("availability") == components.FULL
        ):
            self.add_error(
                "access", "A download someone must approve is partial availability, not full."
            )
        problems = catalogue.check_pins(cleaned.get("pins"))
        if problems:
            self.add_error("pins", problems)
        return cleaned


class AssessmentInline(admin.TabularInline):
    model = Assessment
    form = AssessmentForm
    extra = 0
    max_num = len(components.COMPONENT_IDS)
    can_delete = False
    fields = ["component", "availability", "license", "access", "evidence", "pins", "note",
              "assessed_by", "assessed_at", "source"]  # fmt: skip
    readonly_fields = ["component", "assessed_by", "assessed_at", "source"]
    autocomplete_fields = ["license"]

    def has_add_permission(self, request, obj=None):
        return False  # every model carries all components; they are created with it


class AIModelForm(CheckedReasonForm):
    noun = "model"
    hf_repos = LinesField(
        check=check_repo, required=False, label="Hugging Face repos", help_text="One per line"
    )
    github_repos = LinesField(
        check=check_repo, required=False, label="GitHub repos", help_text="One per line"
    )

    class Meta:
        model = AIModel
        fields = [
            "slug", "name", "organization", "family", "release_date", "parameters", "modality",
            "kind", "base_model", "hf_repos", "github_repos", "homepage", "description",
            "release_licenses", "status",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["release_licenses"].show_hidden_initial = False

    def edits(self):
        return edits_of(self.instance)

    def clean_release_licenses(self):
        value = self.cleaned_data["release_licenses"] or {}
        known = set(License.objects.values_list("identifier", flat=True))
        parsed, problems = catalogue.parse_release_licenses(value, known)
        if problems:
            raise ValidationError(problems)
        return parsed


def edits_of(model):
    """The changes filed to a model and its assessments that altered them (not reviews or hub
    observations)."""
    return Change.objects.filter(
        model=model,
        subject__in=[Change.Subject.MODEL, Change.Subject.ASSESSMENT],
        action__in=EDITS,
    )


@admin.register(AIModel)
class AIModelAdmin(HistoryAdmin):
    form = AIModelForm
    list_display = ["name", "slug", "organization", "release_date", "kind", "status",
                    "review_status"]  # fmt: skip
    list_filter = ["status", "review_status", "kind", "modality"]
    search_fields = ["name", "slug", "family"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization", "base_model"]
    inlines = [AssessmentInline]
    readonly_fields = ["review_status", "created_at", "updated_at"]
    actions = ["promote"]

    @admin.action(description="Promote to curated (joins the ranking; its history is kept)")
    def promote(self, request, queryset):
        promoted = 0
        for model in queryset.filter(review_status=AIModel.ReviewStatus.MACHINE_READ):
            promoted += promote_to_curated(
                model, actor=self.actor(request), user=request.user,
                reason=f"Promoted to curated by {request.user.get_username()}",
            )  # fmt: skip
        self.message_user(request, f"{promoted} machine-read entries promoted to curated.")

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            fill_missing_assessments(
                obj, actor=self.actor(request), reason=form.cleaned_data["change_reason"]
            )

    def save_formset(self, request, form, formset, change):
        reason = form.cleaned_data["change_reason"]
        for assessment in formset.save(commit=False):
            before = history.state_of(Assessment.objects.get(pk=assessment.pk))
            # Saving in the admin is a curator's verification: it is theirs, and dated today.
            assessment.assessed_by = self.actor(request)
            assessment.assessed_at = datetime.date.today()
            assessment.source = Assessment.Source.CURATED
            assessment.save()
            if history.record(
                assessment,
                before=before,
                actor=self.actor(request),
                user=request.user,
                reason=reason,
            ):
                publishing.evidence_changed([assessment.model_id])
            publish_correction(assessment, before, history.state_of(assessment), reason)

    def _delete_with_history(self, request, obj):
        for assessment in obj.assessments.select_related("license"):
            history.record(
                assessment,
                before=history.state_of(assessment),
                actor=self.actor(request),
                user=request.user,
                reason=f"Model {obj.slug} deleted in the admin",
                deleted=True,
            )
            publishing.evidence_changed([obj.pk])
        super()._delete_with_history(request, obj)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["at", "subject", "subject_key", "action", "actor", "reason"]
    list_filter = ["subject", "action"]
    search_fields = ["subject_key", "actor", "reason"]
    readonly_fields = [f.name for f in Change._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Discrepancy)
class DiscrepancyAdmin(admin.ModelAdmin):
    """The queue of hub observations that disagree with curated assessments."""

    list_display = [
        "opened_at",
        "model",
        "component",
        "field",
        "curated_value",
        "hub_value",
        "status",
    ]
    list_filter = ["status", "field", "component"]
    search_fields = ["model__slug", "message"]
    list_select_related = ["model"]
    readonly_fields = [f.name for f in Discrepancy._meta.fields if f.name != "resolution_note"]
    actions = ["accept_hub_value", "dismiss"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Accept the hub's value (updates the assessment under your name)")
    def accept_hub_value(self, request, queryset):
        decide_each(self, request, queryset.filter(status=Discrepancy.Status.OPEN),
                    resolve_discrepancy, accept=True)  # fmt: skip

    @admin.action(description="Dismiss: the curated value stands")
    def dismiss(self, request, queryset):
        decide_each(self, request, queryset.filter(status=Discrepancy.Status.OPEN),
                    resolve_discrepancy, accept=False)  # fmt: skip


def decide_each(model_admin, request, items, resolve, *, accept):
    """Apply one curator's decision to each queue item; an item that cannot take it (decided by
    a colleague meanwhile, or naming what the catalogue lacks) is left as it is, and said why."""
    for item in items:
        try:
            resolve(item, accept=accept, actor=request.user.get_username(), user=request.user)
        except Refused as refused:
            model_admin.message_user(request, str(refused), level=messages.ERROR)


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    """The queue of corrections suggested by readers. Nothing is public until accepted here."""

    list_display = ["submitted_at", "model", "component", "proposed_availability",
                    "proposed_license", "evidence_url", "status"]  # fmt: skip
    list_filter = ["status", "component"]
    search_fields = ["model__slug", "explanation", "evidence_url"]
    list_select_related = ["model"]
    readonly_fields = [f.name for f in CorrectionRequest._meta.fields if f.name != "review_note"]
    actions = ["accept", "reject"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Accept (updates the assessment under your name)")
    def accept(self, request, queryset):
        decide_each(self, request, queryset.filter(status=CorrectionRequest.Status.OPEN),
                    resolve_correction, accept=True)  # fmt: skip

    @admin.action(description="Reject")
    def reject(self, request, queryset):
        decide_each(self, request, queryset.filter(status=CorrectionRequest.Status.OPEN),
                    resolve_correction, accept=False)  # fmt: skip


@admin.register(HubRecord)
class HubRecordAdmin(admin.ModelAdmin):
    list_display = ["repo_id", "hub", "model", "status", "fetched_at", "changed_at", "error_count"]
    list_filter = ["hub", "status", "gated"]
    search_fields = ["repo_id", "canonical_id", "model__slug"]
    list_select_related = ["model"]
    readonly_fields = [f.name for f in HubRecord._meta.fields]
    actions = ["confirm_gone"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description="Confirm the hub no longer serves it (withdraws its weights now)",
        permissions=["change"],
    )
    def confirm_gone(self, request, queryset):
        for record in queryset.exclude(status=HubRecord.Status.GONE):
            refresh_apply.confirm_gone(record, actor=request.user.get_username())


# --- What other indexes say ----------------------------------------------------------------------
# Importers write the entries; curators only match them to our models. An entry that matched
# nothing (or only candidates) is listed under "unmatched" with the models it may be.


class MatchedFilter(admin.SimpleListFilter):
    title = "matched"
    parameter_name = "matched"

    def lookups(self, request, model_admin):
        return [("no", "Unmatched: waiting for a curator"), ("yes", "Matched")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(matches__isnull=True)
        if self.value() == "yes":
            return queryset.filter(matches__isnull=False).distinct()
        return queryset


class IndexMatchInline(admin.TabularInline):
    model = IndexMatch
    extra = 1
    fields = ["model", "method", "matched_by", "matched_at"]
    readonly_fields = ["method", "matched_by", "matched_at"]
    autocomplete_fields = ["model"]


@admin.register(IndexEntry)
class IndexEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "verdict", "matched_to", "candidate_models", "dated"]
    list_filter = [MatchedFilter, "source"]
    search_fields = ["name", "key"]
    inlines = [IndexMatchInline]
    readonly_fields = [f.name for f in IndexEntry._meta.fields if f.name not in ("id",)] + [
        "candidate_models"
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("matches__model")

    @admin.display(description="matched to")
    def matched_to(self, entry):
        return ", ".join(m.model.slug for m in entry.matches.all()) or "–"

    @admin.display(description="candidates")
    def candidate_models(self, entry):
        return ", ".join(entry.candidates) or "–"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        matches = formset.save(commit=False)
        for match in matches:
            if match.pk is None:
                match.method = IndexMatch.Method.CURATOR
                match.matched_by = request.user
            match.save()
        for match in formset.deleted_objects:
            match.delete()
        bump_data_version()


@admin.register(IndexImport)
class IndexImportAdmin(admin.ModelAdmin):
    list_display = ["source", "revision", "imported_at", "has_error", "last_error_at"]
    readonly_fields = [f.name for f in IndexImport._meta.fields]

    @admin.display(boolean=True, description="last read reported problems")
    def has_error(self, state):
        return bool(state.last_error)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Users and roles ---------------------------------------------------------------------------
# Administrators manage users without being superusers. They can hand out only what they hold
# themselves, and cannot touch a superuser's account: otherwise one could make themselves (or a
# friend) a superuser, or set a superuser's password and sign in as them.


def held_permissions(user):
    """The ids of the permissions `user` holds, directly or through a group."""
    return set(
        Permission.objects.filter(Q(user=user) | Q(group__user=user)).values_list("pk", flat=True)
    )


def may_grant(editor, permission_ids):
    """Whether `editor` may hand these permissions to someone: a superuser any, others their own."""
    return editor.is_superuser or set(permission_ids) <= held_permissions(editor)


class RoleUserChangeForm(UserChangeForm):
    editor = None  # the signed-in user, set on the form class per request by RoleUserAdmin

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        joined = set(groups) - set(self.instance.groups.all())
        for group in joined:
            if not may_grant(self.editor, group.permissions.values_list("pk", flat=True)):
                raise ValidationError(
                    f"You cannot add anyone to {group.name}: it grants permissions you do not hold."
                )
        return groups


class RoleGroupForm(forms.ModelForm):
    editor = None  # the signed-in user, set on the form class per request by RoleGroupAdmin

    def clean_permissions(self):
        permissions = self.cleaned_data["permissions"]
        before = set(self.instance.permissions.all()) if self.instance.pk else set()
        added = [p.pk for p in permissions if p not in before]
        if not may_grant(self.editor, added):
            raise ValidationError("You can grant only permissions you hold yourself.")
        return permissions


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RoleUserAdmin(UserAdmin):
    form = RoleUserChangeForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    form = RoleGroupForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user
        return form
