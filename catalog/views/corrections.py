"""Suggesting a correction: the form, with an hourly limit per client, and its thank-you page.
The form carries a CSRF token, so it has a page of its own and no public page is personal."""

from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_http_methods

from catalog import components, rate_limits, selectors
from catalog.forms import CorrectionForm

CORRECTIONS_PER_HOUR = 5


def _submitter(request):
    # The client's address as the throttles find it (NUM_PROXIES): behind the proxy REMOTE_ADDR
    # is the proxy's, and every reader would share one hourly allowance.
    return salted_hmac(
        "catalog.corrections", rate_limits.client_address(request), algorithm="sha256"
    ).hexdigest()


def _correction_allowed(request):
    """Count one submission from this client; False past the hourly limit."""
    key = f"corrections:{_submitter(request)[:32]}"
    return rate_limits.hit(key, 3600) <= CORRECTIONS_PER_HOUR


@require_http_methods(["GET", "HEAD", "POST"])
def correction(request, slug):
    """Suggest a correction. It lands in the curators' queue and changes nothing public."""
    model = selectors.model_for_page(slug)
    status, limited = 200, False
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            if not _correction_allowed(request):
                status, limited = 429, True
            else:
                if not form.is_spam:
                    suggestion = form.save(commit=False)
                    suggestion.model = model
                    suggestion.submitter = _submitter(request)
                    suggestion.save()
                return redirect("catalog:correction-sent", model.slug)
        else:
            status = 400
    else:
        initial = {}
        if request.GET.get("component") in components.COMPONENT_IDS:
            initial["component"] = request.GET["component"]
        form = CorrectionForm(initial=initial)
    response = render(
        request, "catalog/correction.html", {"model": model, "form": form, "limited": limited},
        status=status,
    )  # fmt: skip
    if limited:
        response["Retry-After"] = "3600"
    return response


def correction_sent(request, slug):
    model = selectors.model_for_page(slug)
    return render(request, "catalog/correction_sent.html", {"model": model})
