"""What changed: the recent changes and score changes, and the log of corrections."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catalog import frameworks, selectors
from catalog.views.common import PAGE_SIZE, public_page


@require_safe
@public_page
def changes(request):
    page = Paginator(selectors.recent_changes(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/changes.html",
        {"page": page, "score_changes": selectors.score_changes(), "frameworks": frameworks.BY_ID},
    )


@require_safe
@public_page
def corrections_log(request):
    """Every correction of a verdict-relevant fact: date, before, after and reason."""
    page = Paginator(selectors.corrections_log(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "catalog/corrections_log.html", {"page": page})
