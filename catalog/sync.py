"""The catalogue files: loading them into the database idempotently, exporting the database back
to them, and giving every model its unknown assessments. Each write files its history and
publishes itself (publishing.evidence_changed)."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from catalog import catalogue, components, history, publishing
from catalog.catalogue import FileRejected, Problem
from catalog.machine_read import retire_duplicates
from catalog.models import (
    AIModel,
    Assessment,
    Change,
    Correction,
    License,
    Organization,
    describe_cycle,
)

CATALOGUE_ACTOR = "catalogue"


@dataclass
class LoadReport:
    """What a load did. Model slugs in created/updated/unchanged; other rows in `references`."""

    references: list = field(default_factory=list)  # organisation slugs, licence ids written
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    kept: list = field(default_factory=list)  # (file, why) not applied to keep a curator's edit
    problems: list = field(default_factory=list)  # Problem

    @property
    def ok(self):
        return not self.problems


def load_catalogue(directory, *, overwrite=False, actor=CATALOGUE_ACTOR):
    """Load organisations, licences and model files from `directory`, idempotently.

    Each file is checked whole and applied in its own transaction: a file with any problem loads
    nothing and its problems are reported. A model edited since its last load by anyone other
    than the catalogue is kept as it is (and reported) unless `overwrite` is set.
    """
    directory = Path(directory)
    report = LoadReport()

    orgs_path = directory / catalogue.ORGANIZATIONS_FILE
    if orgs_path.exists():
        _load_list_file(orgs_path, directory, report, actor, overwrite,
                        catalogue.parse_organizations, _apply_organization)  # fmt: skip
    licenses_path = directory / catalogue.LICENSES_FILE
    if licenses_path.exists():
        _load_list_file(licenses_path, directory, report, actor, overwrite,
                        catalogue.parse_licenses, _apply_license)  # fmt: skip

    organizations = set(Organization.objects.values_list("slug", flat=True))
    licenses = set(License.objects.values_list("identifier", flat=True))
    parsed, files_of = [], {}
    for path in sorted((directory / catalogue.MODELS_DIR).rglob("*.yaml")):
        name = _relative(path, directory)
        try:
            entry = catalogue.parse_model(
                _read(path, name), name, organizations=organizations, licenses=licenses
            )
        except FileRejected as rejected:
            report.problems.extend(rejected.problems)
            continue
        slug = entry.model["slug"]
        if path.stem != slug:
            # export_catalog writes <slug>.yaml: a file named otherwise would be replaced by it.
            report.problems.append(
                Problem(name, "slug", f"{slug!r} does not match the file name; name it {slug}.yaml")
            )
            continue
        parsed.append((name, entry))
        files_of.setdefault(slug, []).append(name)
    entries = []
    for name, entry in parsed:
        slug = entry.model["slug"]
        others = [other for other in files_of[slug] if other != name]
        if others:
            # Neither file can be trusted to be the model: a curator removes one.
            report.problems.append(
                Problem(
                    name,
                    "slug",
                    f"{slug!r} is also the slug of {', '.join(others)}: "
                    "which file is the model is ambiguous",
                )  # fmt: skip
            )
            continue
        entries.append(entry)

    for entry in _bases_first(entries, report):
        try:
            with transaction.atomic():
                _apply_model_entry(entry, report, overwrite, actor)
        except FileRejected as rejected:
            report.problems.extend(rejected.problems)
    retire_duplicates()  # a machine-read entry for a repository a curated file now names
    return report


def _read(path, name):
    try:
        size = path.stat().st_size
        if size > catalogue.MAX_FILE_BYTES:
            raise FileRejected([Problem(
                name, "", f"{size} bytes; a catalogue file may have at most "
                f"{catalogue.MAX_FILE_BYTES} bytes",
            )])  # fmt: skip
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FileRejected([Problem(name, "", f"cannot be read: {error}")]) from None


def _relative(path, directory):
    return (
        str(path.relative_to(directory.parent)) if directory.parent in path.parents else str(path)
    )


def _load_list_file(path, directory, report, actor, overwrite, parse, apply):
    """Apply each organisation or licence of a list file. Like a model, one a curator has
    edited since its last load is kept as it is (and reported) unless `overwrite` is set."""
    name = _relative(path, directory)
    try:
        entries = parse(_read(path, name), name)
    except FileRejected as rejected:
        report.problems.extend(rejected.problems)
        return
    with transaction.atomic():
        for entry in entries:
            outcome = apply(entry, actor, f"Loaded from {name}", overwrite)
            if isinstance(outcome, Change):
                report.kept.append((name, _kept_because(outcome)))
            elif outcome != "unchanged":
                report.references.append(entry.get("slug") or entry.get("id"))


def _kept_because(edited):
    return (
        f"{edited.subject_key} was changed by {edited.actor} on {edited.at:%Y-%m-%d}; export "
        "the catalogue to keep it, or load with --overwrite"
    )


def _edited_row(subject, key, actor):
    """The latest change to this organisation or licence, if someone other than `actor` made
    it: the Change, or None."""
    latest = Change.objects.filter(subject=subject, subject_key=key).order_by("-at", "-id").first()
    if latest and latest.actor != actor:
        return latest
    return None


def _apply_organization(data, actor, reason, overwrite):
    """Returns "unchanged", "created" or "updated", or the curator's Change that kept it."""
    org = Organization.objects.filter(slug=data["slug"]).first()
    before = history.state_of(org) if org else None
    if before == data:
        return "unchanged"
    edited = org and _edited_row(Change.Subject.ORGANIZATION, org.slug, actor)
    if edited and not overwrite:
        return edited
    org = org or Organization(slug=data["slug"])
    for key in ("name", "kind", "country", "homepage", "hf_authors"):
        setattr(org, key, data[key])
    org.save()
    if history.record(org, before=before, actor=actor, reason=reason):
        publishing.evidence_changed([])  # no framework reads an organisation
    return "created" if before is None else "updated"


def _apply_license(data, actor, reason, overwrite):
    """Returns "unchanged", "created" or "updated", or the curator's Change that kept it."""
    lic = License.objects.filter(identifier=data["id"]).first()
    before = history.state_of(lic) if lic else None
    if before == data:
        return "unchanged"
    edited = lic and _edited_row(Change.Subject.LICENSE, lic.identifier, actor)
    if edited and not overwrite:
        return edited
    lic = lic or License(identifier=data["id"])
    for key, value in data.items():
        if key not in ("id", "corrections"):
            setattr(lic, key, value)
    lic.save()
    _set_corrections(lic, data["corrections"])
    if history.record(lic, before=before, actor=actor, reason=reason):
        publishing.evidence_changed(publishing.models_scored_from(lic))
    return "created" if before is None else "updated"


def _bases_first(entries, report):
    """Order entries so each base model is loaded before its derivatives."""
    known = set(AIModel.objects.values_list("slug", flat=True))
    pending, ordered = list(entries), []
    while pending:
        ready = [e for e in pending if not e.model["base_model"] or e.model["base_model"] in known]
        if not ready:
            break
        for entry in ready:
            known.add(entry.model["slug"])
            ordered.append(entry)
        pending = [e for e in pending if e not in ready]
    waiting = {e.model["slug"]: e.model["base_model"] for e in pending}
    for entry in pending:
        slug, base = entry.model["slug"], entry.model["base_model"]
        chain = [slug]
        while base in waiting and base not in chain:
            chain.append(base)
            base = waiting[base]
        if base == slug:
            why = f"lineage cycle: {describe_cycle([*chain, slug])}"
        elif base in waiting:
            why = f"base model {entry.model['base_model']!r} is part of a lineage cycle"
        else:
            why = f"unknown model {base!r}: not in the database and not loaded from any file"
            if base != entry.model["base_model"]:
                why = f"base model {entry.model['base_model']!r} cannot load: {why}"
        report.problems.append(Problem(entry.file, "base_model", why))
    return ordered


def _edited_outside_catalogue(model, actor):
    """The latest change to this model or its assessments, if someone else made it."""
    latest = Change.objects.filter(model=model).order_by("-at", "-id").first()
    if latest and latest.actor != actor:
        return latest
    return None


def _apply_model_entry(entry, report, overwrite, actor):
    data = entry.model
    reason = f"Loaded from {entry.file}"
    model = (
        AIModel.objects.select_related("organization", "base_model")
        .filter(slug=data["slug"])
        .first()
    )
    if model:
        current = {a.component: a for a in model.assessments.select_related("license")}
        unchanged = (
            not model.is_machine_read
            and history.state_of(model) == data
            and all(
                cid in current and history.state_of(current[cid]) == snap
                for cid, snap in entry.assessments.items()
            )
        )
        if unchanged:
            report.unchanged.append(data["slug"])
            return
        edited = _edited_outside_catalogue(model, actor)
        # A curated file always wins over an entry read by machine: it takes the entry over.
        if edited and not overwrite and not model.is_machine_read:
            report.kept.append((entry.file, _kept_because(edited)))
            return
    else:
        current = {}

    before = history.state_of(model) if model else None
    model = model or AIModel(slug=data["slug"])
    _set_model_fields(model, data, entry.file)
    model.save()
    _set_corrections(model, data["corrections"])
    if history.record(model, before=before, actor=actor, reason=reason):
        publishing.evidence_changed([model.pk])

    licenses = {lic.identifier: lic for lic in License.objects.all()}
    for component_id, snap in entry.assessments.items():
        assessment = current.get(component_id) or Assessment(model=model, component=component_id)
        old = history.state_of(assessment) if assessment.pk else None
        if old == snap:
            continue
        _set_assessment_fields(assessment, snap, licenses)
        assessment.save()
        if history.record(assessment, before=old, actor=actor, reason=reason):
            publishing.evidence_changed([model.pk])
    (report.created if before is None else report.updated).append(data["slug"])


def _set_model_fields(model, data, file):
    model.name = data["name"]
    model.organization = Organization.objects.get(slug=data["organization"])
    model.family = data["family"]
    model.release_date = datetime.date.fromisoformat(data["release_date"])
    model.parameters = data["parameters"]
    model.modality = data["modality"]
    model.kind = data["kind"]
    model.base_model = None
    if data["base_model"]:
        model.base_model = AIModel.objects.filter(slug=data["base_model"]).first()
        if model.base_model is None:
            raise FileRejected(
                [Problem(file, "base_model", f"base model {data['base_model']!r} failed to load")]
            )
        if cycle := model.lineage_cycle(model.base_model):
            raise FileRejected([Problem(file, "base_model", f"lineage cycle: {cycle}")])
    model.hf_repos = data["hf_repos"]
    model.github_repos = data["github_repos"]
    model.homepage = data["homepage"]
    model.description = data["description"]
    model.status = data["status"]
    model.release_licenses = data["release_licenses"]
    model.training_data_withheld = data["training_data_withheld"]
    model.eu_ai_act_facts = data["eu_ai_act_facts"]
    model.review_status = AIModel.ReviewStatus.CURATED


def _set_corrections(obj, corrections):
    """Make a model's or licence's published corrections exactly those of its file, in order."""
    current = [
        (c.date.isoformat(), c.subject, c.before, c.after, c.reason)
        for c in obj.corrections_made.order_by("position")
    ]
    wanted = [(c["date"], c["subject"], c["before"], c["after"], c["reason"]) for c in corrections]
    if current == wanted:
        return
    owner = {"license": obj} if isinstance(obj, License) else {"model": obj}
    obj.corrections_made.all().delete()
    Correction.objects.bulk_create(
        Correction(
            **owner,
            date=datetime.date.fromisoformat(date),
            subject=subject,
            before=before,
            after=after,
            reason=reason,
            position=position,
        )  # fmt: skip
        for position, (date, subject, before, after, reason) in enumerate(wanted)
    )


def _set_assessment_fields(assessment, data, licenses):
    assessment.availability = data["availability"]
    assessment.license = licenses[data["license"]] if data["license"] else None
    assessment.evidence = data["evidence"]
    assessment.access = data["access"]
    assessment.pins = data["pins"]
    assessment.note = data["note"]
    assessment.assessed_at = datetime.date.fromisoformat(data["assessed_at"])
    assessment.assessed_by = data["assessed_by"]
    assessment.source = data["source"]


@dataclass
class ExportReport:
    """What an export did: the model files written, and files it found but left alone."""

    written: list = field(default_factory=list)  # paths
    unmatched: list = field(default_factory=list)  # names of model files no model was written to


def export_catalogue(directory):
    """Write the whole evidence base to `directory` in the catalogue's format.

    Each model goes to the file it was loaded from (`<slug>.yaml`, in any subdirectory of
    `models/`), or to `models/<slug>.yaml`. Nothing is ever deleted: a model file that matches no
    model (a model deleted from the database, a new file that failed to load) is kept and named
    in the report, for a curator to decide.
    """
    directory = Path(directory)
    models_dir = directory / catalogue.MODELS_DIR
    models_dir.mkdir(parents=True, exist_ok=True)
    orgs = [
        history.state_of(org)
        for org in Organization.objects.exclude(kind=Organization.Kind.UNKNOWN).order_by("slug")
    ]
    (directory / catalogue.ORGANIZATIONS_FILE).write_text(
        catalogue.render_organizations(orgs), encoding="utf-8"
    )
    licenses = [
        history.state_of(lic)
        for lic in License.objects.prefetch_related("corrections_made").order_by("identifier")
    ]
    (directory / catalogue.LICENSES_FILE).write_text(
        catalogue.render_licenses(licenses), encoding="utf-8"
    )
    existing = sorted(models_dir.rglob("*.yaml"))
    file_of = {}
    for path in existing:
        file_of.setdefault(path.stem, path)  # the loader refuses a slug in two files
    report = ExportReport()
    # The machine-read tier is the Hub's, not the catalogue's: it is read again, not exported.
    models = (
        AIModel.objects.exclude(review_status=AIModel.ReviewStatus.MACHINE_READ)
        .select_related("organization", "base_model")
        .prefetch_related("assessments__license", "corrections_made")
    )
    for model in models.order_by("slug"):
        assessments = {a.component: history.state_of(a) for a in model.assessments.all()}
        path = file_of.get(model.slug, models_dir / f"{model.slug}.yaml")
        path.write_text(
            catalogue.render_model(history.state_of(model), assessments), encoding="utf-8"
        )
        report.written.append(path)
    written = set(report.written)
    report.unmatched = [_relative(path, directory) for path in existing if path not in written]
    return report


def fill_missing_assessments(
    model, *, actor, reason, assessed_at=None, source=Assessment.Source.CURATED
):
    """Give `model` an `unknown` assessment for every component it has none for.

    Every model always carries all twenty components, so unknowns are shown, never hidden. With
    `source` hub, the hub's refreshes fill them in (a discovered draft); curated ones are a
    curator's, and the hub only puts its view before them.
    """
    have = set(model.assessments.values_list("component", flat=True))
    for component_id in components.COMPONENT_IDS:
        if component_id in have:
            continue
        assessment = Assessment.objects.create(
            model=model,
            component=component_id,
            availability=components.UNKNOWN,
            assessed_at=assessed_at or datetime.date.today(),
            assessed_by=actor,
            source=source,
        )
        history.record(assessment, before=None, actor=actor, reason=reason)
        publishing.evidence_changed([model.pk])
