"""The directory: the ranked list of models, with its filter form and sortable columns."""

from django.core.cache import cache
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from catalog import components, http_cache, selectors
from catalog.filtering import ModelFilterSet
from catalog.views.common import PAGE_SIZE, group_sizes, kept_whole, public_page


@require_safe
@public_page
@kept_whole
def model_list(request):
    """The ranked directory. Cached whole: it depends only on the data and the query string."""
    pairs = [(k, v) for k, values in request.GET.lists() for v in values]
    if any(v == "" for _, v in pairs):
        # The filter form sends every field, "any" as an empty value: drop those, so the URL a
        # reader shares holds only the filters that are set.
        kept = urlencode([(k, v) for k, v in pairs if v != ""])
        return redirect(reverse("catalog:model-list") + (f"?{kept}" if kept else ""))
    params = request.GET
    # The filters' choices change only with the data.
    choices = cache.get_or_set(
        f"pages:choices:{http_cache.version_of(request).isoformat()}",
        selectors.directory_choices,
        3600,
    )
    filterset = ModelFilterSet(params, selectors.ranking())
    sorts = filterset.form.fields["ordering"].choices
    context = {"filters": _filter_state(filterset, params, choices), "sorts": sorts}
    if problems := filterset.problems():
        context.update(error=problems[0], page=None, models=[])
        return render(request, "catalog/model_list.html", context, status=400)
    page = selectors.RankingPaginator(filterset.qs, PAGE_SIZE).get_page(params.get("page"))
    ordering = filterset.ordering_in_use
    if not ordering:
        context["sorts"] = [("", "Best match first"), *sorts]
    context.update(
        page=page,
        models=selectors.attach_component_states(page.object_list),
        groups=group_sizes(),
        components=components.COMPONENTS,
        ordering=ordering,
        columns=_sort_columns(params, ordering),
        api_url=reverse("api:model-list") + ("?" + params.urlencode() if params else ""),
    )
    return render(request, "catalog/model_list.html", context)


# The sortable columns, each with the direction a first click sorts it in.
SORTABLE = (("name", "name"), ("g7", "-g7"), ("index", "-index"), ("osaid", "-osaid"),
            ("mof", "-mof"), ("release_date", "-release_date"))  # fmt: skip


def _sort_columns(params, ordering):
    """For each sortable column: its aria-sort value and the link that sorts by it (or flips it)."""
    columns = {}
    for key, first in SORTABLE:
        current = ordering.lstrip("-") == key
        if current:
            direction = "descending" if ordering.startswith("-") else "ascending"
            flipped = ordering[1:] if ordering.startswith("-") else f"-{ordering}"
        columns[key] = {
            "sort": direction if current else None,
            "href": _with(params, ordering=flipped if current else first),
        }
    return columns


def _with(params, **changes):
    """The directory's query string with some parameters replaced (and back to the first page)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key != "page" and key not in changes:
            kept.setlist(key, values)
    for key, value in changes.items():
        kept[key] = value
    return "?" + kept.urlencode()


# The directory form's select fields, in order (the G7 label shows first, as checkboxes), and the
# fields whose options come from the data rather than the FilterSet.
FORM_FIELDS = ("organization", "g7", "label", "osaid", "mof_class", "eu_ai_act", "license",
               "restriction", "review_status", "modality", "kind", "size", "release_year")  # fmt: skip
OPTIONS_FROM_DATA = {
    "organization": lambda choices: choices["organizations"],
    "license": lambda choices: [(identifier, identifier) for identifier, _ in choices["licenses"]],
    "release_year": lambda choices: [(str(year), str(year)) for year in choices["years"]],
}


def _filter_state(filterset, params, choices):
    """The filter form's fields (from the FilterSet) with their options and selected values, and
    the active filters each with a link that removes it."""
    fields, active = [], []
    for name in FORM_FIELDS:
        field = filterset.form.fields[name]
        values = OPTIONS_FROM_DATA[name](choices) if name in OPTIONS_FROM_DATA else field.choices
        selected = params.getlist(name)
        names = dict(values)
        fields.append({"name": name, "title": field.label, "options": values, "selected": selected})
        for value in selected:
            active.append(
                {
                    "title": field.label,
                    "value": names.get(value, value),
                    "remove": _without(params, name, value),
                }
            )
    query = " ".join(params.getlist("q")).strip()
    if query:
        active.append({"title": "Search", "value": query, "remove": _without(params, "q", None)})
    more = [f for f in fields if f["name"] not in ("g7",)]
    return {
        "fields": more,
        "headline": next(f for f in fields if f["name"] == "g7"),
        "active": active,
        "q": query,
        "open": any(f["selected"] for f in more),
    }


def _without(params, name, value):
    """The directory's query string less one value of one parameter (and less the page)."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key == "page":
            continue
        for item in values:
            if key == name and (value is None or item == value):
                continue
            kept.appendlist(key, item)
    encoded = kept.urlencode()
    return "?" + encoded if encoded else reverse("catalog:model-list")
