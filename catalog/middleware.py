from django.conf import settings


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
