"""The Model Openness Tool (LF AI & Data): one YAML file per model in `models/` of its repository.

A file has `framework` (name, version, date) and `release` (name, version, date, producer,
repository, huggingface, `license` with global licences per kind, and the `components` it
includes, each possibly with a licence of its own), as the repository's schema/mof_schema.json
says. The MOT computes classes from these on its site; here each listed component is kept with
the licence the MOT resolves for it (its own, else the global licence of its kind, else the
distribution licence), which is what we compare with our own MOF criteria.
"""

import yaml

from catalog.indexes import MOT, IndexObservation, MalformedEntry, github_blob_url, hf_repo_of

# The MOF components as the MOT's configuration (web/modules/mof/config/install/mof.settings.yml)
# names them, with their content type, MOF class, whether the class requires them, and ours.
COMPONENTS = {
    "Model architecture": ("code", 3, True, "architecture"),
    "Model parameters (Final)": ("data", 3, True, "weights_final"),
    "Model card": ("document", 3, True, "doc_model_card"),
    "Data card": ("document", 3, True, "data_information"),
    "Technical report": ("document", 3, True, "doc_technical_report"),
    "Evaluation results": ("document", 3, True, "doc_evaluation_results"),
    "Sample model outputs": ("document", 3, False, "doc_sample_outputs"),
    "Training code": ("code", 2, True, "code_training"),
    "Inference code": ("code", 2, True, "code_inference"),
    "Evaluation code": ("code", 2, True, "code_evaluation"),
    "Evaluation data": ("data", 2, True, "data_evaluation"),
    "Supporting libraries and tools": ("code", 2, False, "code_libraries"),
    "Datasets": ("data", 1, True, "data_pretraining"),
    "Data preprocessing code": ("code", 1, True, "code_data_processing"),
    "Model parameters (Intermediate)": ("data", 1, True, "weights_intermediate"),
    "Research paper": ("document", 1, True, "doc_research_paper"),
    "Model metadata": ("data", 1, False, "training_state"),
}
FOLDER = "models/"


def is_entry_path(path):
    """Whether a path in the repository is one model's file."""
    return path.startswith(FOLDER) and "/" not in path[len(FOLDER) :] and path.endswith(".yml")


def parse_entry(path, text, *, repository, commit, dated=None):
    """One model file as an IndexObservation; MalformedEntry naming the file and field otherwise."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MalformedEntry(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise MalformedEntry(f"{path}: expected a mapping at the top")
    framework, release = data.get("framework"), data.get("release")
    if not isinstance(framework, dict) or framework.get("name") != "Model Openness Framework":
        raise MalformedEntry(f"{path}: framework.name must be 'Model Openness Framework'")
    if not isinstance(release, dict):
        raise MalformedEntry(f"{path}: release is missing")
    name = release.get("name")
    if not isinstance(name, str) or not name.strip():
        raise MalformedEntry(f"{path}: release.name is missing")
    licences = release.get("license")
    if licences is None:
        licences = {}
    if not isinstance(licences, dict):
        raise MalformedEntry(f"{path}: release.license must be a mapping")
    listed = release.get("components")
    if not isinstance(listed, list):
        raise MalformedEntry(f"{path}: release.components must be a list")
    components = {}
    for number, item in enumerate(listed, start=1):
        if not isinstance(item, dict) or item.get("name") not in COMPONENTS:
            got = item.get("name") if isinstance(item, dict) else item
            raise MalformedEntry(
                f"{path}: release.components[{number}] {got!r} is no MOF component"
            )
        kind, _class, _required, ours = COMPONENTS[item["name"]]
        components[ours] = {
            "name": item["name"],
            "licence": _resolve_licence(item, kind, licences),
            "path": _text(item.get("component_path")),
        }
    release_date = _date(release.get("date"), f"{path}: release.date")
    return IndexObservation(
        source=MOT,
        key=path,
        name=name.strip(),
        verdict=f"lists {len(components)} of {len(COMPONENTS)} MOF components",
        url=github_blob_url(repository, commit, path),
        dated=release_date or dated,
        date_meaning="release.date in the MOT's file"
        if release_date
        else "the date of the MOT's data read",
        names=(name.strip(),),
        hf_repos=tuple(r for r in [hf_repo_of(release.get("huggingface"))] if r),
        details={
            "components": components,
            "framework_version": _text(framework.get("version")),
            "producer": _text(release.get("producer")),
            "distribution_licence": _text((licences.get("distribution") or {}).get("name"))
            if isinstance(licences.get("distribution"), dict)
            else "",
        },
    )


def _resolve_licence(item, kind, licences):
    """The licence the MOT applies to a component: its own, else its kind's, else the release's."""
    if "license" in item:
        # As the MOT's ModelEvaluator::resolveLicense: a licence field left empty means unlicensed.
        return str(item["license"] or "")
    for key in (kind, "distribution"):
        value = licences.get(key)
        if isinstance(value, dict) and value.get("name"):
            return str(value["name"])
    return ""


def _date(value, where):
    if value in (None, ""):
        return None
    if hasattr(value, "isoformat"):
        return value
    from datetime import date

    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise MalformedEntry(f"{where} {value!r} is not a date (YYYY-MM-DD)") from error


def _text(value):
    return str(value).strip() if value not in (None, "") else ""
