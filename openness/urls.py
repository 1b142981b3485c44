from django.contrib import admin
from django.urls import include, path

from catalog import webhooks
from openness import health
from openness.login_throttle import throttled_login

admin.site.login = throttled_login(admin.site.login)
admin.site.site_header = "Openness Scorecard: curation"
admin.site.site_title = "Openness Scorecard"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health.health, name="health"),
    path("api/v1/", include("catalog.api.urls")),
    path("hooks/huggingface", webhooks.huggingface, name="webhook-huggingface"),
    path("", include("catalog.urls")),
]
