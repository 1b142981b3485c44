"""The Hugging Face webhook: a repo changed on the Hub, refresh the models that track it now."""

import hmac
import json

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.models import HubRecord
from catalog.tasks import enqueue_refresh

MAX_BODY = 64 * 1024


@csrf_exempt
@require_POST
def huggingface(request):
    """Verify the shared secret, then enqueue a refresh of every model tracking the repo.

    Answers 202 once the refreshes are asked for, whatever becomes of them: a failed one is
    recorded on its hub record and retried by the dispatcher.
    """
    secret = settings.HF_WEBHOOK_SECRET
    given = request.headers.get("X-Webhook-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": "missing or wrong X-Webhook-Secret"}, status=403)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"detail": "payload too large"}, status=413)
    try:
        payload = json.loads(request.body)
        repo = payload["repo"]
        kind, name = repo.get("type"), repo["name"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"detail": "expected JSON with repo.type and repo.name"}, status=400)
    if kind != "model" or not isinstance(name, str):
        return JsonResponse({"queued": [], "detail": "only model repos are tracked"}, status=202)
    model_ids = sorted(
        set(
            HubRecord.objects.filter(hub=HubRecord.Hub.HUGGINGFACE)
            .filter(Q(repo_id=name) | Q(canonical_id=name))
            .values_list("model_id", flat=True)
        )
    )
    for model_id in model_ids:
        transaction.on_commit(lambda model_id=model_id: enqueue_refresh(model_id))
    return JsonResponse({"queued": len(model_ids)}, status=202)
