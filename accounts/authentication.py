"""API keys for systems (the 12345 hotline): ``Authorization: Api-Key <key>``.

A key stands for a system, not a person: ``request.user`` stays anonymous and ``request.auth``
is the ``ApiKey`` row, whose ``scope`` says which endpoints it may use and whose ``district``
bounds what it may create and read. Only the key's hash is stored (djangorestframework-api-key).
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from accounts.models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    """No ``Api-Key`` header: not authenticated (401); a wrong, revoked or expired key: 401."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as “Authorization: Api-Key <key>”."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        try:
            api_key = ApiKey.objects.get_from_key(key)
        except (ApiKey.DoesNotExist, ValueError) as exc:  # ValueError: a NUL byte PostgreSQL refuses
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        # get_from_key() already skips revoked keys; checked again so that the rule reads here.
        if api_key.revoked or api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("The API key has been revoked or has expired."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) when the key is missing, and tells the client how to send it.
        return KEYWORD


class HasApiKeyScope(BasePermission):
    """The request carries a valid key of ``scope`` (a key of another scope: 403)."""

    scope = ""
    message = _("This API key may not use this endpoint.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey) and request.auth.scope == self.scope


class HotlineKey(HasApiKeyScope):
    scope = ApiKey.Scope.HOTLINE


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Describes the key in the OpenAPI schema."""

    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Api-Key <key>",
        }
