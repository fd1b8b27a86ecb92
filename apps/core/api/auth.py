"""``POST /api/v1/auth/token/``: a user name and password for an API token, behind the lockout."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from .. import lockout


class LoginLockedOut(APIException):
    """Rendered by our exception handler as ``{"message": ..., "extra": {}}``, with Retry-After."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked_out"

    def __init__(self) -> None:
        super().__init__(lockout.lockout_message())
        self.wait = lockout.retry_after()


_Token = inline_serializer("AuthToken", {"token": serializers.CharField(read_only=True)})
_Error = inline_serializer(
    "AuthTokenError", {"message": serializers.CharField(), "extra": serializers.DictField()}
)


class TokenObtainView(ObtainAuthToken):
    """DRF's token view; AuthTokenSerializer authenticates with ``request=`` so the lockout
    sees every attempt. A refused attempt is a 429, a success clears the failure count."""

    @extend_schema(
        operation_id="v1_auth_token_create",
        tags=["v1"],
        auth=[],
        summary=_("Obtain an API token"),
        description=_(
            "Exchange a user name and password for the token to send as `Authorization: Token ...`. "
            "After too many wrong passwords for a user name from one address, that user name is "
            "refused from that address for a while (429)."
        ),
        responses={
            200: _Token,
            400: OpenApiResponse(_Error, description=_("Wrong user name or password.")),
            429: OpenApiResponse(_Error, description=_("Locked out after too many failed attempts.")),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if lockout.is_locked_out(request):
            raise LoginLockedOut()
        if not valid:
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        lockout.login_succeeded(request, username=user.get_username())
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
