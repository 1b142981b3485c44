"""The curated catalogue's file format: parse and check YAML files, and render them back.

Functions over text and plain dicts that never query the database (they read the models' field
definitions only: choices, lengths, validators). A parsed entry has exactly the shape of the
audit state of the row it describes (history.state_of), which is what makes loading idempotent
and export lossless. The format is documented in catalog/data/README.md.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError

from catalog import components
from catalog.clauses import CLAUSES, RESTRICTIVE
from catalog.frameworks.eu_ai_act import COMPUTE_SOURCES
from catalog.frameworks.g7 import WITHHELD_REASONS
from catalog.models import AIModel, Assessment, License, Organization, validate_http_url
from catalog.pins import COMMIT_RE

ORGANIZATIONS_FILE = "organizations.yaml"
LICENSES_FILE = "licenses.yaml"
MODELS_DIR = "models"
# The largest catalogue file is about 30 kB: anything near this is a mistake, refused unread.
MAX_FILE_BYTES = 1_000_000

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
LICENSE_ID_RE = re.compile(r"^(LicenseRef-[A-Za-z0-9.\-]+|[A-Za-z0-9][A-Za-z0-9.\-+]*)$")
REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
PIN_REPO_RE = re.compile(
    r"^(github:[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*"
    r"|huggingface:(datasets/|spaces/)?[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)$"
)
PIN_FIELDS = ("repo", "commit", "path", "finding")
CORRECTION_FIELDS = ("date", "subject", "before", "after", "reason")
CORRECTION_SUBJECTS = (
    *components.COMPONENT_IDS,
    *(f"release_licenses.{kind}" for kind in components.LICENCE_KINDS),
    "parameters", "base_model", "modality",
    *(f"eu_ai_act.{fact}" for fact in ("training_compute", "training_summary", "monetised")),
)  # fmt: skip

# The clauses as a catalogue file writes them: the user cap, then attribution, then the rest.
CLAUSE_BOOLEANS = (
    *(c.flag for c in CLAUSES if not c.restrictive),
    *(c.flag for c in RESTRICTIVE if not c.cap),
)
CLAUSE_KEYS = ("mau_cap", *CLAUSE_BOOLEANS)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue file: where, and what."""

    file: str
    field: str
    message: str

    def __str__(self):
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class FileRejected(Exception):
    """A catalogue file that failed its checks; nothing of it may be loaded."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class ModelEntry:
    """A parsed model file: the model's audit state and one assessment state per component."""

    file: str
    model: dict
    assessments: dict = field(default_factory=dict)


class _Checker:
    """Collects problems for one file while reading its values."""

    def __init__(self, file):
        self.file = file
        self.problems = []

    def problem(self, where, message):
        self.problems.append(Problem(self.file, where, message))

    def mapping(self, value, where):
        if not isinstance(value, dict):
            self.problem(where, f"must be a mapping, not {_describe(value)}")
            return None
        return value

    def fields(self, data, where, required, optional):
        """Report unknown and missing keys of a mapping."""
        prefix = f"{where}." if where else ""
        for key in data:
            if key not in required and key not in optional:
                self.problem(f"{prefix}{key}", "unknown field")
        for key in required:
            if key not in data or data[key] is None:
                self.problem(f"{prefix}{key}", "is required")

    def text(self, data, key, where, required=False, default="", max_length=None):
        value = data.get(key)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(where, f"must be text, not {_describe(value)}")
            return default
        value = value.strip()
        if required and not value:
            self.problem(where, "must not be empty")
        if not self.fits(value, where, max_length):
            return default
        return value

    def fits(self, value, where, max_length):
        """Whether the database can hold `value`: no NUL character, and at most `max_length`."""
        if "\x00" in value:
            self.problem(where, "must not contain a NUL character")
            return False
        if max_length is not None and len(value) > max_length:
            self.problem(where, f"is {len(value)} characters long; at most {max_length}")
            return False
        return True

    def choice(self, data, key, where, choices, default=None):
        value = data.get(key, default)
        if value is None:
            return None
        if value not in choices:
            self.problem(where, f"{value!r} is not one of: {', '.join(choices)}")
            return None
        return value

    def boolean(self, data, key, where, default=None):
        value = data.get(key, default)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(where, f"must be true or false, not {value!r}")
            return default
        return value

    def date(self, data, key, where):
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problem(where, f"{value!r} is not a date in YYYY-MM-DD form")
            return None
        if value > datetime.date.today():
            # A release or an assessment cannot have happened yet: a typo such as 2099.
            self.problem(where, f"{value.isoformat()!r} is in the future")
            return None
        return value.isoformat()

    def url(self, value, where, max_length=None):
        if not isinstance(value, str):
            self.problem(where, f"must be a URL, not {_describe(value)}")
            return None
        if not self.fits(value, where, max_length):
            return None
        try:
            validate_http_url(value)
        except ValidationError:
            self.problem(where, f"{value!r} is not a well-formed http(s) URL")
            return None
        return value

    def optional_url(self, data, key, where, max_length=None):
        if data.get(key) in (None, ""):
            return ""
        return self.url(data[key], where, max_length) or ""

    def slug(self, data, key, where, max_length=None):
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and not self.fits(value, where, max_length):
            return None
        if not isinstance(value, str) or not SLUG_RE.match(value):
            self.problem(
                where, f"{value!r} is not a slug (lower-case letters, digits, '.' and '-')"
            )
            return None
        return value

    def reject_if_problems(self):
        if self.problems:
            raise FileRejected(self.problems)


def _longest(model, field):
    """The most characters the database holds in this field."""
    return model._meta.get_field(field).max_length


def _describe(value):
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key repeated in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first_line = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = key_node.value
                if key in first_line:
                    raise yaml.constructor.ConstructorError(
                        problem=f"the key {key!r} appears twice in one mapping "
                        f"(first on line {first_line[key]})",
                        problem_mark=key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _read_yaml(text, checker):
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        checker.problem(where, f"not valid YAML: {problem}")
        checker.reject_if_problems()


def _list_of_mappings(text, checker):
    data = _read_yaml(text, checker)
    if not isinstance(data, list):
        checker.problem("", f"must be a list of entries, not {_describe(data)}")
        checker.reject_if_problems()
    return data


def parse_organizations(text, file):
    """Organisation states from the text of organizations.yaml; FileRejected on any problem."""
    checker = _Checker(file)
    entries, seen = [], {}
    for index, item in enumerate(_list_of_mappings(text, checker)):
        where = f"[{index}]"
        if checker.mapping(item, where) is None:
            continue
        checker.fields(item, where, ("slug", "name", "kind"), ("country", "homepage", "hf_authors"))
        slug = checker.slug(item, "slug", f"{where}.slug", _longest(Organization, "slug"))
        if slug in seen:
            checker.problem(f"{where}.slug", f"duplicate slug {slug!r} (also at [{seen[slug]}])")
        elif slug:
            seen[slug] = index
        country = checker.text(item, "country", f"{where}.country")
        if country and not COUNTRY_RE.match(country):
            checker.problem(f"{where}.country", f"{country!r} is not an ISO 3166-1 alpha-2 code")
        entries.append(
            {
                "slug": slug,
                "name": checker.text(
                    item,
                    "name",
                    f"{where}.name",
                    required=True,
                    max_length=_longest(Organization, "name"),
                ),  # fmt: skip
                "kind": checker.choice(item, "kind", f"{where}.kind", Organization.Kind.values),
                "country": country,
                "homepage": checker.optional_url(
                    item, "homepage", f"{where}.homepage", _longest(Organization, "homepage")
                ),
                "hf_authors": _author_list(checker, item, f"{where}.hf_authors"),
            }
        )
    checker.reject_if_problems()
    return entries


def _author_list(checker, item, where):
    value = item.get("hf_authors") or []
    if not isinstance(value, list) or not all(
        isinstance(a, str) and re.match(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", a) for a in value
    ):
        checker.problem(where, "must be a list of Hugging Face account names")
        return []
    return value


LICENSE_REQUIRED = ("id", "name", "url", "osi_approved", "category", "commercial_use", "source")
LICENSE_OPTIONAL = (
    "version", "open_data", "open_content", "clauses", "clause_scopes", "hf_license_tag", "note",
    "corrections",
)  # fmt: skip
LICENCE_CORRECTION_SUBJECTS = (
    *CLAUSE_KEYS, "clause_scopes", "osi_approved", "open_data", "open_content", "commercial_use",
    "category",
)  # fmt: skip


def parse_licenses(text, file):
    """Licence states from the text of licenses.yaml; FileRejected on any problem."""
    checker = _Checker(file)
    entries, seen = [], {}
    for index, item in enumerate(_list_of_mappings(text, checker)):
        where = f"[{index}]"
        if checker.mapping(item, where) is None:
            continue
        checker.fields(item, where, LICENSE_REQUIRED, LICENSE_OPTIONAL)
        identifier = item.get("id")
        if isinstance(identifier, str) and not checker.fits(
            identifier, f"{where}.id", _longest(License, "identifier")
        ):
            identifier = None
        if identifier is not None and (
            not isinstance(identifier, str) or not LICENSE_ID_RE.match(identifier)
        ):
            checker.problem(
                f"{where}.id", f"{identifier!r} is neither an SPDX id nor LicenseRef-<key>"
            )
        elif identifier in seen:
            checker.problem(
                f"{where}.id", f"duplicate id {identifier!r} (also at [{seen[identifier]}])"
            )
        elif identifier:
            seen[identifier] = index
        clauses = checker.mapping(item.get("clauses", {}) or {}, f"{where}.clauses") or {}
        checker.fields(clauses, f"{where}.clauses", (), CLAUSE_KEYS)
        mau_cap = clauses.get("mau_cap")
        if mau_cap is not None and (
            isinstance(mau_cap, bool) or not isinstance(mau_cap, int) or mau_cap <= 0
        ):
            checker.problem(
                f"{where}.clauses.mau_cap", f"must be a positive whole number, not {mau_cap!r}"
            )
            mau_cap = None
        entry = {
            "id": identifier,
            "name": checker.text(
                item, "name", f"{where}.name", required=True, max_length=_longest(License, "name")
            ),
            "url": (
                checker.url(item.get("url"), f"{where}.url", _longest(License, "url"))
                if "url" in item
                else ""
            ),
            "version": checker.text(
                item, "version", f"{where}.version", max_length=_longest(License, "version")
            ),
            "osi_approved": checker.boolean(item, "osi_approved", f"{where}.osi_approved"),
            "category": checker.choice(
                item, "category", f"{where}.category", License.Category.values
            ),
            "open_data": checker.boolean(item, "open_data", f"{where}.open_data", default=False),
            "open_content": checker.boolean(
                item, "open_content", f"{where}.open_content", default=False
            ),
            "commercial_use": checker.boolean(item, "commercial_use", f"{where}.commercial_use"),
            "mau_cap": mau_cap,
            "hf_license_tag": checker.text(
                item,
                "hf_license_tag",
                f"{where}.hf_license_tag",
                max_length=_longest(License, "hf_license_tag"),
            ),  # fmt: skip
            "note": checker.text(item, "note", f"{where}.note"),
            "source": checker.text(item, "source", f"{where}.source", required=True),
        }
        for flag in CLAUSE_BOOLEANS:
            entry[flag] = checker.boolean(clauses, flag, f"{where}.clauses.{flag}", default=False)
        entry["clause_scopes"] = _clause_scopes(checker, item, entry, f"{where}.clause_scopes")
        entry["corrections"] = _corrections(
            checker, item, f"{where}.corrections", LICENCE_CORRECTION_SUBJECTS
        )
        entries.append(entry)
    checker.reject_if_problems()
    return entries


MODEL_REQUIRED = (
    "slug", "name", "organization", "family", "release_date", "modality", "kind",
    "assessed_by", "assessed_at", "components",
)  # fmt: skip
MODEL_OPTIONAL = (
    "parameters", "base_model", "hub_repos", "homepage", "description", "status",
    "release_licenses", "training_data_withheld", "eu_ai_act", "corrections",
)  # fmt: skip
ASSESSMENT_REQUIRED = ("availability",)
ASSESSMENT_OPTIONAL = (
    "license", "evidence", "access", "pins", "note", "assessed_by", "assessed_at", "source",
)  # fmt: skip


def check_pins(value):
    """The problems of a list of pins, as a model file's `pins` would have them: each as
    `field: message`. For forms that edit pins outside a file (the admin)."""
    checker = _Checker("pins")
    _pins(checker, value if value is not None else [], "pins")
    return [f"{p.field}: {p.message}" for p in checker.problems]


def parse_release_licenses(value, licenses):
    """A model's release licences as a model file's `release_licenses` would give them:
    (the parsed mapping, its problems each as `field: message`). `licenses` are the known ids.
    For forms that edit them outside a file (the admin)."""
    checker = _Checker("release_licenses")
    parsed = _release_licenses(checker, {"release_licenses": value}, licenses)
    return parsed, [f"{p.field}: {p.message}" for p in checker.problems]


def parse_model(text, file, *, organizations, licenses):
    """A ModelEntry from the text of one model file; FileRejected on any problem.

    `organizations` and `licenses` are the slugs and licence ids a file may refer to.
    Whether `base_model` exists is for the loader to check, since it may be in another file.
    """
    checker = _Checker(file)
    data = _read_yaml(text, checker)
    if checker.mapping(data, "") is None:
        checker.reject_if_problems()
    checker.fields(data, "", MODEL_REQUIRED, MODEL_OPTIONAL)

    organization = checker.slug(data, "organization", "organization")
    if organization and organization not in organizations:
        checker.problem("organization", f"unknown organisation {organization!r}")
    parameters = data.get("parameters")
    if parameters is not None and (
        isinstance(parameters, bool) or not isinstance(parameters, int) or parameters <= 0
    ):
        checker.problem("parameters", f"must be a positive whole number, not {parameters!r}")
        parameters = None
    hub_repos = checker.mapping(data.get("hub_repos") or {}, "hub_repos") or {}
    checker.fields(hub_repos, "hub_repos", (), ("huggingface", "github"))
    model = {
        "slug": checker.slug(data, "slug", "slug", _longest(AIModel, "slug")),
        "name": checker.text(
            data, "name", "name", required=True, max_length=_longest(AIModel, "name")
        ),
        "organization": organization,
        "family": checker.text(
            data, "family", "family", required=True, max_length=_longest(AIModel, "family")
        ),
        "release_date": checker.date(data, "release_date", "release_date"),
        "parameters": parameters,
        "modality": checker.choice(data, "modality", "modality", AIModel.Modality.values),
        "kind": checker.choice(data, "kind", "kind", AIModel.Kind.values),
        "base_model": checker.slug(data, "base_model", "base_model"),
        "hf_repos": _repo_list(checker, hub_repos, "huggingface"),
        "github_repos": _repo_list(checker, hub_repos, "github"),
        "homepage": checker.optional_url(
            data, "homepage", "homepage", _longest(AIModel, "homepage")
        ),
        "description": checker.text(data, "description", "description"),
        "status": checker.choice(
            data,
            "status",
            "status",
            [AIModel.Status.PUBLISHED, AIModel.Status.DRAFT],
            default=AIModel.Status.PUBLISHED,
        ),  # fmt: skip
        "release_licenses": _release_licenses(checker, data, licenses),
        "training_data_withheld": _data_withheld(checker, data),
        "eu_ai_act_facts": _eu_ai_act_facts(checker, data),
        "corrections": _corrections(checker, data, "corrections", CORRECTION_SUBJECTS),
    }
    if model["base_model"] and model["base_model"] == model["slug"]:
        checker.problem("base_model", "a model cannot be its own base")

    default_by = checker.text(
        data, "assessed_by", "assessed_by", required=True,
        max_length=_longest(Assessment, "assessed_by"),
    )  # fmt: skip
    default_at = checker.date(data, "assessed_at", "assessed_at")
    assessments = {}
    given = checker.mapping(data.get("components"), "components") if "components" in data else None
    for component_id, item in (given or {}).items():
        where = f"components.{component_id}"
        if component_id not in components.BY_ID:
            checker.problem(where, f"unknown component {component_id!r}")
            continue
        if checker.mapping(item, where) is None:
            continue
        assessments[component_id] = _parse_assessment(
            checker, item, where, licenses, default_by, default_at
        )
    if given is not None:
        missing = [cid for cid in components.COMPONENT_IDS if cid not in given]
        if missing:
            checker.problem("components", f"missing components: {', '.join(missing)}")
    checker.reject_if_problems()
    ordered = {cid: assessments[cid] for cid in components.COMPONENT_IDS}
    return ModelEntry(file=file, model=model, assessments=ordered)


def _repo_list(checker, hub_repos, key):
    value = hub_repos.get(key) or []
    if not isinstance(value, list):
        checker.problem(f"hub_repos.{key}", f"must be a list, not {_describe(value)}")
        return []
    for index, repo in enumerate(value):
        if not isinstance(repo, str) or not REPO_RE.match(repo):
            checker.problem(f"hub_repos.{key}[{index}]", f"{repo!r} is not an owner/name repo id")
    return [repo for repo in value if isinstance(repo, str)]


def _parse_assessment(checker, item, where, licenses, default_by, default_at):
    checker.fields(item, where, ASSESSMENT_REQUIRED, ASSESSMENT_OPTIONAL)
    availability = checker.choice(
        item, "availability", f"{where}.availability", components.AVAILABILITIES
    )
    license_id = item.get("license")
    if license_id is not None and not isinstance(license_id, str):
        checker.problem(f"{where}.license", f"must be a licence id, not {_describe(license_id)}")
        license_id = None
    elif license_id is not None and license_id not in licenses:
        checker.problem(f"{where}.license", f"unknown licence {license_id!r}")
    evidence = item.get("evidence") or []
    if not isinstance(evidence, list):
        checker.problem(f"{where}.evidence", f"must be a list of URLs, not {_describe(evidence)}")
        evidence = []
    urls = []
    for index, url in enumerate(evidence):
        checked = checker.url(url, f"{where}.evidence[{index}]")
        if checked in urls:
            checker.problem(f"{where}.evidence[{index}]", f"{checked!r} is listed twice")
        elif checked:
            urls.append(checked)
    if availability and availability != components.UNKNOWN and not evidence:
        checker.problem(
            f"{where}.evidence", f"availability {availability!r} needs at least one evidence URL"
        )
    access = checker.choice(item, "access", f"{where}.access", components.ACCESSES, default="")
    if access == components.ACCESS_APPROVAL and availability == components.FULL:
        checker.problem(
            f"{where}.access",
            "a download someone must approve is partial availability, not full",
        )
    if access and availability not in (components.FULL, components.PARTIAL, None):
        checker.problem(
            f"{where}.access", f"a gate needs a released download, not {availability!r}"
        )
    return {
        "availability": availability,
        "license": license_id,
        "evidence": urls,
        "access": access or "",
        "pins": _pins(checker, item.get("pins"), f"{where}.pins"),
        "note": checker.text(item, "note", f"{where}.note"),
        "assessed_at": checker.date(item, "assessed_at", f"{where}.assessed_at") or default_at,
        "assessed_by": checker.text(
            item,
            "assessed_by",
            f"{where}.assessed_by",
            max_length=_longest(Assessment, "assessed_by"),
        )
        or default_by,  # fmt: skip
        "source": checker.choice(
            item,
            "source",
            f"{where}.source",
            Assessment.Source.values,
            default=Assessment.Source.CURATED,
        ),
    }


def _mappings(checker, value, where, what):
    """Each mapping of a list field, with where it stands; problems for anything else."""
    if value is None:
        return
    if not isinstance(value, list):
        checker.problem(where, f"must be a list of {what}, not {_describe(value)}")
        return
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        if checker.mapping(item, at) is not None:
            yield at, item


def _pins(checker, value, where):
    """The files read at a commit behind a claim: a list of {repo, commit, path, finding}."""
    pins = []
    for at, item in _mappings(checker, value, where, "pins"):
        checker.fields(item, at, PIN_FIELDS, ())
        repo = checker.text(item, "repo", f"{at}.repo", required=True)
        if repo and not PIN_REPO_RE.match(repo):
            checker.problem(
                f"{at}.repo",
                f"{repo!r} is not github:owner/name or huggingface:[datasets/]org/name",
            )
        commit = checker.text(item, "commit", f"{at}.commit", required=True)
        if commit and not COMMIT_RE.match(commit):
            checker.problem(f"{at}.commit", f"{commit!r} is not a commit id (7 to 40 hex digits)")
        pins.append(
            {
                "repo": repo,
                "commit": commit,
                "path": checker.text(item, "path", f"{at}.path", required=True),
                "finding": checker.text(item, "finding", f"{at}.finding", required=True),
            }
        )
    return pins


def _release_licenses(checker, data, licenses):
    given = data.get("release_licenses")
    if given is None:
        return {}
    if checker.mapping(given, "release_licenses") is None:
        return {}
    checker.fields(given, "release_licenses", (), components.LICENCE_KINDS)
    found = {}
    for kind in components.LICENCE_KINDS:
        if kind not in given:
            continue
        where = f"release_licenses.{kind}"
        item = checker.mapping(given[kind], where)
        if item is None:
            continue
        checker.fields(item, where, ("license", "evidence"), ("pins", "note"))
        license_id = item.get("license")
        if not isinstance(license_id, str) or license_id not in licenses:
            checker.problem(f"{where}.license", f"unknown licence {license_id!r}")
        evidence = item.get("evidence") or []
        if not isinstance(evidence, list) or not evidence:
            checker.problem(f"{where}.evidence", "needs a list of one or more evidence URLs")
            evidence = []
        urls = [
            url
            for index, url in enumerate(evidence)
            if checker.url(url, f"{where}.evidence[{index}]")
        ]
        found[kind] = {
            "license": license_id,
            "evidence": urls,
            "pins": _pins(checker, item.get("pins"), f"{where}.pins"),
            "note": checker.text(item, "note", f"{where}.note"),
        }
    return found


def _data_withheld(checker, data):
    """Why the developer withholds training data, as it states it, with evidence."""
    given = data.get("training_data_withheld")
    if given is None:
        return {}
    where = "training_data_withheld"
    if checker.mapping(given, where) is None:
        return {}
    checker.fields(given, where, ("reason", "evidence"), ("note",))
    reason = checker.choice(given, "reason", f"{where}.reason", WITHHELD_REASONS)
    evidence = given.get("evidence") or []
    if not isinstance(evidence, list) or not evidence:
        checker.problem(f"{where}.evidence", "needs a list of one or more evidence URLs")
        evidence = []
    urls = [url for i, url in enumerate(evidence) if checker.url(url, f"{where}.evidence[{i}]")]
    return {
        "reason": reason,
        "evidence": urls,
        "note": checker.text(given, "note", f"{where}.note"),
    }


# The EU AI Act lens's facts: each (key, its value's field, fields besides evidence and note).
EU_AI_ACT_FACTS = {
    "training_compute": ("flop", ("flop", "source")),
    "training_summary": ("published", ("published",)),
    "monetised": ("value", ("value",)),
}


def _eu_ai_act_facts(checker, data):
    """The training compute, the training-content summary and monetisation, with evidence."""
    given = data.get("eu_ai_act")
    if given is None:
        return {}
    if checker.mapping(given, "eu_ai_act") is None:
        return {}
    checker.fields(given, "eu_ai_act", (), tuple(EU_AI_ACT_FACTS))
    facts = {}
    for key, (value_field, required) in EU_AI_ACT_FACTS.items():
        where = f"eu_ai_act.{key}"
        item = given.get(key)
        if item is None or checker.mapping(item, where) is None:
            continue
        checker.fields(item, where, (*required, "evidence"), ("note",))
        value = item.get(value_field)
        if value_field == "flop":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                checker.problem(f"{where}.flop", f"must be a positive number, not {value!r}")
                value = None
            else:
                value = float(value)
        elif value is not None and not isinstance(value, bool):
            checker.problem(f"{where}.{value_field}", f"must be true or false, not {value!r}")
            value = None
        evidence = item.get("evidence") or []
        if not isinstance(evidence, list) or not evidence:
            checker.problem(f"{where}.evidence", "needs a list of one or more evidence URLs")
            evidence = []
        fact = {value_field: value}
        if key == "training_compute":
            fact["source"] = checker.choice(item, "source", f"{where}.source", COMPUTE_SOURCES)
        fact["evidence"] = [
            url for i, url in enumerate(evidence) if checker.url(url, f"{where}.evidence[{i}]")
        ]
        fact["note"] = checker.text(item, "note", f"{where}.note")
        facts[key] = fact
    return facts


def _corrections(checker, data, at, subjects):
    found = []
    for where, item in _mappings(checker, data.get("corrections"), at, "corrections"):
        checker.fields(item, where, CORRECTION_FIELDS, ())
        subject = checker.choice(item, "subject", f"{where}.subject", subjects)
        found.append(
            {
                "date": checker.date(item, "date", f"{where}.date"),
                "subject": subject,
                "before": checker.text(item, "before", f"{where}.before", required=True),
                "after": checker.text(item, "after", f"{where}.after", required=True),
                "reason": checker.text(item, "reason", f"{where}.reason", required=True),
            }
        )
    return found


def _clause_scopes(checker, item, entry, where):
    """Clauses that bind only releases of some modalities (the Llama 3.2 EU exclusion)."""
    given = item.get("clause_scopes")
    if given is None:
        return {}
    if checker.mapping(given, where) is None:
        return {}
    scopes = {}
    for flag, scope in given.items():
        at = f"{where}.{flag}"
        if flag not in CLAUSE_BOOLEANS:
            checker.problem(at, f"{flag!r} is not a clause flag")
            continue
        if not entry.get(flag):
            checker.problem(at, f"the licence does not carry {flag!r}, so it has no scope")
        if checker.mapping(scope, at) is None:
            continue
        checker.fields(scope, at, ("modalities",), ("note",))
        modalities = scope.get("modalities")
        if not isinstance(modalities, list) or not modalities:
            checker.problem(f"{at}.modalities", "needs a list of one or more modalities")
            continue
        for modality in modalities:
            if modality not in AIModel.Modality.values:
                checker.problem(f"{at}.modalities", f"{modality!r} is not a modality")
        scopes[flag] = {
            "modalities": list(modalities),
            "note": checker.text(scope, "note", f"{at}.note"),
        }
    return scopes


# Rendering: the inverse of parsing, field order as catalog/data/README.md documents it.


def render_organizations(states):
    entries = []
    for org in states:
        entry = {"slug": org["slug"], "name": org["name"], "kind": org["kind"]}
        for key in ("country", "homepage", "hf_authors"):
            if org[key]:
                entry[key] = org[key]
        entries.append(entry)
    return _dump(entries)


def render_licenses(states):
    entries = []
    for lic in states:
        entry = {"id": lic["id"], "name": lic["name"], "url": lic["url"]}
        if lic["version"]:
            entry["version"] = lic["version"]
        entry["osi_approved"] = lic["osi_approved"]
        entry["category"] = lic["category"]
        for key in ("open_data", "open_content"):
            if lic[key]:
                entry[key] = True
        entry["commercial_use"] = lic["commercial_use"]
        clauses = {}
        if lic["mau_cap"] is not None:
            clauses["mau_cap"] = lic["mau_cap"]
        clauses.update({flag: True for flag in CLAUSE_BOOLEANS if lic[flag]})
        if clauses:
            entry["clauses"] = clauses
        if lic["clause_scopes"]:
            entry["clause_scopes"] = {
                flag: _ordered(scope, ("modalities", "note"))
                for flag, scope in sorted(lic["clause_scopes"].items())
            }
        for key in ("hf_license_tag", "note"):
            if lic[key]:
                entry[key] = lic[key]
        entry["source"] = lic["source"]
        if lic["corrections"]:
            entry["corrections"] = _rendered_corrections(lic["corrections"])
        entries.append(entry)
    return _dump(entries)


def render_model(model, assessments):
    """The YAML text of one model file from its snapshot and its assessment snapshots."""
    entry = {
        "slug": model["slug"],
        "name": model["name"],
        "organization": model["organization"],
        "family": model["family"],
        "release_date": datetime.date.fromisoformat(model["release_date"]),
    }
    if model["parameters"] is not None:
        entry["parameters"] = model["parameters"]
    entry["modality"] = model["modality"]
    entry["kind"] = model["kind"]
    if model["base_model"]:
        entry["base_model"] = model["base_model"]
    hub_repos = {}
    if model["hf_repos"]:
        hub_repos["huggingface"] = model["hf_repos"]
    if model["github_repos"]:
        hub_repos["github"] = model["github_repos"]
    if hub_repos:
        entry["hub_repos"] = hub_repos
    for key in ("homepage", "description"):
        if model[key]:
            entry[key] = model[key]
    if model["status"] != AIModel.Status.PUBLISHED:
        entry["status"] = model["status"]
    if model["release_licenses"]:
        entry["release_licenses"] = {
            kind: _release_licence(model["release_licenses"][kind])
            for kind in components.LICENCE_KINDS
            if kind in model["release_licenses"]
        }
    if model["training_data_withheld"]:
        entry["training_data_withheld"] = _ordered(
            model["training_data_withheld"], ("reason", "evidence", "note")
        )
    if model["eu_ai_act_facts"]:
        facts = dict(model["eu_ai_act_facts"])
        if "training_compute" in facts and facts["training_compute"].get("flop") is not None:
            # PostgreSQL's jsonb hands 3.8e25 back as a whole number: written as a float always.
            compute = facts["training_compute"]
            facts["training_compute"] = {**compute, "flop": float(compute["flop"])}
        entry["eu_ai_act"] = {
            key: _ordered(facts[key], (*fields, "evidence", "note"))
            for key, (_, fields) in EU_AI_ACT_FACTS.items()
            if key in facts
        }
    if model["corrections"]:
        entry["corrections"] = _rendered_corrections(model["corrections"])

    # The most common verifier and date become the file's defaults; others are overrides.
    default_by = _most_common(a["assessed_by"] for a in assessments.values())
    default_at = _most_common(a["assessed_at"] for a in assessments.values())
    entry["assessed_by"] = default_by
    entry["assessed_at"] = datetime.date.fromisoformat(default_at)
    rendered = {}
    for component_id in components.COMPONENT_IDS:
        if component_id not in assessments:
            continue
        assessment = assessments[component_id]
        item = {"availability": assessment["availability"]}
        if assessment["license"]:
            item["license"] = assessment["license"]
        if assessment["evidence"]:
            item["evidence"] = assessment["evidence"]
        if assessment["access"]:
            item["access"] = assessment["access"]
        if assessment["pins"]:
            item["pins"] = [_ordered(pin, PIN_FIELDS) for pin in assessment["pins"]]
        if assessment["note"]:
            item["note"] = assessment["note"]
        if assessment["assessed_by"] != default_by:
            item["assessed_by"] = assessment["assessed_by"]
        if assessment["assessed_at"] != default_at:
            item["assessed_at"] = datetime.date.fromisoformat(assessment["assessed_at"])
        if assessment["source"] != Assessment.Source.CURATED:
            item["source"] = assessment["source"]
        rendered[component_id] = item
    entry["components"] = rendered
    return _dump(entry)


def _rendered_corrections(corrections):
    return [{**item, "date": datetime.date.fromisoformat(item["date"])} for item in corrections]


def _ordered(item, keys):
    """`item` with its keys in the documented order and empty values left out: the database
    (PostgreSQL's jsonb) keeps no key order of its own."""
    return {key: item[key] for key in keys if item.get(key) not in ("", [], None)}


def _release_licence(item):
    entry = _ordered(item, ("license", "evidence", "pins", "note"))
    if "pins" in entry:
        entry["pins"] = [_ordered(pin, PIN_FIELDS) for pin in entry["pins"]]
    return entry


def _most_common(values):
    counts = Counter(values)
    # Ties go to the alphabetically first, so the rendering is deterministic.
    return min(counts, key=lambda value: (-counts[value], value))


def _dump(data):
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
