from django.conf import settings
from django.utils.cache import has_vary_header

# Answers a shared cache may keep when a view says they are public: the same for every reader.
SHAREABLE_STATUSES = {200, 301, 302, 304, 400, 404, 410}
PRIVATE = "private, no-store"


class CachePolicyMiddleware:
    """Every answer says whether a cache may keep it. Public reads say so themselves
    (http_cache.public_read); anything else, and anything personal that a view marked public,
    leaves as private, no-store: the admin, pages with a CSRF token or a session (they vary by
    cookie), answers that set a cookie, answers to token holders, writes, throttled requests and
    errors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        control = response.get("Cache-Control", "")
        if not control or ("public" in control and not self.shareable(request, response)):
            response["Cache-Control"] = PRIVATE
        return response

    @staticmethod
    def shareable(request, response):
        return (
            request.method in ("GET", "HEAD")
            and "HTTP_AUTHORIZATION" not in request.META
            and response.status_code in SHAREABLE_STATUSES
            and not has_vary_header(response, "Cookie")
            and not has_vary_header(response, "*")
            and not response.cookies
        )


class PermissionsPolicyMiddleware:
    """Denies the browser features the site never uses (Django has no setting for this header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class OpenReadCorsMiddleware:
    """Lets any web page read the API (GET and HEAD only); nothing else crosses origins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = (
                "Authorization, If-None-Match, If-Modified-Since"
            )
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After, Link"
        return response
