from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    """The higher rate for clients with an API token; anonymous clients have their own."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
