"""The token authentication of every API request (settings: DEFAULT_AUTHENTICATION_CLASSES).

Kept apart from the views: DRF imports its authentication classes while its views load."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, reusing the token that ``PasswordChangeRequiredMiddleware`` already looked up for
    this request (it must know the user before any view): one query a request, not two."""

    def authenticate(self, request):
        known = getattr(request._request, "token_lookup", None)
        parts = authentication.get_authorization_header(request).split()
        if known is None or len(parts) != 2 or parts[0].lower() != self.keyword.lower().encode():
            return super().authenticate(request)
        key, token = known
        if parts[1].decode("latin-1") != key:
            return super().authenticate(request)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
