from django.contrib import admin
from django.urls import include, path

from catalog import webhooks

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("catalog.api.urls")),
    path("hooks/huggingface", webhooks.huggingface, name="webhook-huggingface"),
    path("", include("catalog.urls")),
]
