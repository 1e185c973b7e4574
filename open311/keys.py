"""Who may file: an Open311 client's ``api_key`` (a form field, as the specification has it),
and the rate at which one key may file.

Reads need no key. A POST without a key, with a wrong, revoked or expired one, or with a key of
another scope is refused with 403. Each key may file ``OPEN311_WRITE_RATE`` requests (default
60 a minute; DRF's "number/period" notation); past it, 429 with ``Retry-After``.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiKey

BAD_KEY = _("api_key was not provided or is not valid.")


class FormKeyAuthentication(BaseAuthentication):
    """The ``api_key`` field of a POST; GETs are public and carry none."""

    def authenticate(self, request):
        if request.method != "POST":
            return None
        key = request.data.get("api_key", "")
        if not isinstance(key, str) or not key.strip():
            return None
        try:
            api_key = ApiKey.objects.get_from_key(key.strip())
        except (ApiKey.DoesNotExist, ValueError) as exc:  # ValueError: a NUL byte PostgreSQL refuses
            raise exceptions.AuthenticationFailed(BAD_KEY) from exc
        if api_key.revoked or api_key.has_expired:
            raise exceptions.AuthenticationFailed(BAD_KEY)
        return AnonymousUser(), api_key


class FilesWithOpen311Key(BasePermission):
    """Anyone may read; to file, an Open311 key (a hotline key uses the hotline's own endpoint)."""

    message = BAD_KEY

    def has_permission(self, request, view) -> bool:
        if request.method != "POST":
            return True
        return isinstance(request.auth, ApiKey) and request.auth.scope == ApiKey.Scope.OPEN311


class PerKeyThrottle(SimpleRateThrottle):
    """Counts the POSTs of each key in the cache (Redis in production), whatever they ask."""

    scope = "open311"

    def get_rate(self) -> str:
        return getattr(settings, "OPEN311_WRITE_RATE", "60/min")

    def allow_request(self, request, view) -> bool:
        # The rate is read per request, so that a changed setting takes effect without a restart.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "POST" or not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class Throttled(exceptions.Throttled):
    default_detail = _("Too many requests with this api_key.")
    extra_detail_singular = _("Try again in {wait} second.")
    extra_detail_plural = _("Try again in {wait} seconds.")
