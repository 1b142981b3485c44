"""Pins: the file and commit read behind a licence or absence claim about a repository.

A pin is {repo, commit, path, finding}: `repo` is `github:owner/name` or
`huggingface:[datasets/]org/name`, `commit` the commit read, `path` the file read (`/` for the
whole tree) and `finding` what it says.
"""

import re

from catalog import components

COMMIT_RE = re.compile(r"^[0-9a-f]{7,40}$")


def url(pin):
    """The address of the pinned file, or tree, at its commit."""
    hub, _, repo = pin["repo"].partition(":")
    path = pin["path"].strip("/")
    if hub == "github":
        kind = "blob" if path else "tree"
        return f"https://github.com/{repo}/{kind}/{pin['commit']}/{path}".rstrip("/")
    kind = "blob" if path else "tree"
    return f"https://huggingface.co/{repo}/{kind}/{pin['commit']}/{path}".rstrip("/")


def describe(pin):
    """`LICENSE at 64bc595` or `tree at 64bc595`, as a reader sees it."""
    what = pin["path"].strip("/") or "tree"
    return f"{pin['repo']} {what} at {pin['commit'][:7]}"


def is_absence_claim(component_id, availability, effective_licence):
    """Whether an assessment claims that something is absent from a repository.

    Not released (`none`), or released with no licence of its own and none of the release's
    (a claim that no licence is stated). For a model with public repositories, every such claim
    names the tree or file and the commit that was read.
    """
    if component_id not in components.REPOSITORY_COMPONENTS:
        return False
    if availability == components.NONE:
        return True
    return availability in (components.FULL, components.PARTIAL) and effective_licence is None
