"""GeoReport v2 over the findings (``/open311/v2/``): discovery, services, requests, tokens.

The suffix chooses the format (``formats``). Reads are public and cached briefly
(``OPEN311_CACHE_SECONDS``, default 30); filing needs an Open311 key and is rate-limited per
key (``keys``). Every refusal is in the specification's error form: 404 for what is not found,
403 for a missing or bad key, 429 past the rate limit, 400 for everything else. An empty
optional argument is treated as an absent one.

``jurisdiction_id`` is the district's code: optional while one district is served (or the key
is bound to one), an error when it names no district.
"""

import math
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.models import District
from inspections.models import Category
from open311 import formats, keys, records, services
from open311.formats import Document
from open311.models import ServiceRequest
from web.fields import DateTimeField

# --- the common ground of every endpoint ----------------------------------------------------


class Open311View(APIView):
    renderer_classes = formats.RENDERERS
    parser_classes = [FormParser, MultiPartParser]
    content_negotiation_class = formats.SuffixNegotiation
    authentication_classes = [keys.FormKeyAuthentication]
    permission_classes = [keys.FilesWithOpen311Key]
    throttle_classes = [keys.PerKeyThrottle]
    metadata_class = None  # OPTIONS describes nothing: 405

    def initial(self, request, *args, **kwargs):
        # A method the resource does not have is a 405 before any key is looked at.
        if not hasattr(self, request.method.lower()):
            self.format_kwarg = self.get_format_suffix(**kwargs)
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_exception_handler(self):
        return formats.exception_handler

    def permission_denied(self, request, message=None, code=None):
        raise exceptions.PermissionDenied(message or keys.BAD_KEY)

    def throttled(self, request, wait):
        raise keys.Throttled(wait)

    @staticmethod
    def given(data) -> dict:
        """The arguments that have a value: an empty optional argument is an absent one."""
        found = {}
        for name in data:
            value = data.get(name)
            if isinstance(value, str) and not value.strip():
                continue
            found[name] = value.strip() if isinstance(value, str) else value
        return found


def jurisdiction(code: str | None, *, key=None) -> District:
    """The district ``jurisdiction_id`` names; absent, the key's district or the only one served."""
    if code:
        district = None if "\x00" in code else District.objects.filter(code=code[:20]).first()
        if district is None:
            raise exceptions.NotFound(_("jurisdiction_id “%(code)s” was not found.") % {"code": code[:20]})
        if key is not None and key.district_id and key.district_id != district.pk:
            raise exceptions.PermissionDenied(_("This api_key may not file in jurisdiction %(code)s.") % {"code": code})
        return district
    if key is not None and key.district_id:
        return key.district
    districts = list(District.objects.order_by("code")[:2])
    if len(districts) == 1:
        return districts[0]
    if not districts:
        raise exceptions.NotFound(_("No jurisdiction is served here."))
    raise exceptions.ValidationError({"jurisdiction_id": [_("Several jurisdictions are served here: give one.")]})


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code[:40], is_active=True).first() if "\x00" not in code else None
    if category is None:
        raise exceptions.NotFound(_("service_code “%(code)s” was not found.") % {"code": code[:40]})
    return category


class JurisdictionQuery(serializers.Serializer):
    # No length limit: a code too long names no district, which is a 404 like any unknown one.
    jurisdiction_id = serializers.CharField(required=False)


# --- discovery and services ----------------------------------------------------------------


class DiscoveryView(Open311View):
    def get(self, request, format=None):
        return Response(Document("discovery", records.discovery()))


class ServiceListView(Open311View):
    def get(self, request, format=None):
        query = _validated(JurisdictionQuery, self.given(request.query_params))
        jurisdiction(query.get("jurisdiction_id"))
        return Response(Document("services", records.service_list()))


class ServiceDefinitionView(Open311View):
    def get(self, request, service_code: str, format=None):
        query = _validated(JurisdictionQuery, self.given(request.query_params))
        jurisdiction(query.get("jurisdiction_id"))
        return Response(Document("service_definition", records.definition(_category(service_code))))


# --- requests ------------------------------------------------------------------------------


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError(_("Give a number."))
    return value


class FilingInput(serializers.Serializer):
    """POST requests: the specification's arguments (``attribute[...]`` are read apart)."""

    api_key = serializers.CharField(required=False)
    jurisdiction_id = serializers.CharField(required=False)
    service_code = serializers.CharField(max_length=40)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, validators=[_finite])
    long = serializers.FloatField(min_value=-180, max_value=180, required=False, validators=[_finite])
    address_string = serializers.CharField(max_length=200, required=False)
    address_id = serializers.CharField(max_length=64, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    device_id = serializers.CharField(max_length=64, required=False)
    account_id = serializers.CharField(max_length=64, required=False)
    first_name = serializers.CharField(max_length=50, required=False)
    last_name = serializers.CharField(max_length=50, required=False)
    phone = serializers.RegexField(
        r"^\+?[0-9][0-9 -]{3,28}[0-9]$",
        max_length=30,
        required=False,
        error_messages={"invalid": gettext_lazy("Digits only, e.g. 13805310000.")},
    )
    description = serializers.CharField(max_length=4000, required=False)
    media_url = serializers.URLField(max_length=500, required=False)
    media = serializers.FileField(required=False)

    def validate_media_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Give an http:// or https:// address."))
        return value

    def validate(self, data: dict) -> dict:
        if ("lat" in data) != ("long" in data):
            raise serializers.ValidationError({"lat" if "lat" not in data else "long": [_("Give both lat and long.")]})
        if "lat" not in data and "address_string" not in data:
            if "address_id" in data:
                raise serializers.ValidationError(
                    {"address_id": [_("Addresses have no ids here: give lat and long, or address_string.")]}
                )
            raise serializers.ValidationError({"lat": [_("Give the location: lat and long, or address_string.")]})
        return data


CONTACT_FIELDS = ("account_id", "device_id", "email", "first_name", "last_name", "phone")


class RequestsQuery(JurisdictionQuery):
    service_request_id = serializers.CharField(max_length=5000, required=False)
    service_code = serializers.CharField(max_length=2000, required=False)
    start_date = DateTimeField(required=False)
    end_date = DateTimeField(required=False)
    status = serializers.ChoiceField(choices=["open", "closed"], required=False)

    def validate(self, data: dict) -> dict:
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            if end < start:
                raise serializers.ValidationError({"end_date": [_("end_date is before start_date.")]})
            if end - start > records.MAX_SPAN:
                raise serializers.ValidationError(
                    {"end_date": [_("start_date and end_date are at most 90 days apart.")]}
                )
        return data


def _codes(value: str | None) -> list[str]:
    return [code.strip() for code in (value or "").split(",") if code.strip()][: records.MAX_RESULTS]


class RequestsView(Open311View):
    def get(self, request, format=None):
        query = _validated(RequestsQuery, self.given(request.query_params))
        district = jurisdiction(query.get("jurisdiction_id"))
        start, end = query.get("start_date"), query.get("end_date")
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - records.MAX_SPAN
        elif end is None:
            end = start + records.MAX_SPAN
        findings = records.search(
            district=district,
            codes=_codes(query.get("service_request_id")),
            service_codes=_codes(query.get("service_code")),
            start=start,
            end=end,
            status=query.get("status"),
        )
        return Response(Document("service_requests", [records.request_record(f) for f in findings]))

    def post(self, request, format=None):
        data = self.given(request.data)
        fields = _validated(FilingInput, data)
        district = jurisdiction(fields.get("jurisdiction_id"), key=request.auth)
        category = _category(fields["service_code"])
        filing = services.Filing(
            category=category,
            description=fields.get("description", ""),
            lat=fields.get("lat"),
            lng=fields.get("long"),
            address=fields.get("address_string", ""),
            answers=services.answers_from(request.data, category),
            contact={name: fields[name] for name in CONTACT_FIELDS if name in fields},
            media_url=fields.get("media_url", ""),
            photos=[fields["media"]] if "media" in fields else [],
        )
        finding, filed = services.file_request(api_key=request.auth, district=district, filing=filing)
        body = [
            {
                "service_request_id": finding.code,
                "token": str(filed.token),
                "service_notice": records.notice(finding),
                "account_id": filed.account_id or None,
            }
        ]
        return Response(Document("service_requests", body), status=status.HTTP_201_CREATED)


class RequestView(Open311View):
    def get(self, request, service_request_id: str, format=None):
        query = _validated(JurisdictionQuery, self.given(request.query_params))
        district = jurisdiction(query.get("jurisdiction_id"))
        finding = None
        if "\x00" not in service_request_id:
            finding = records.public_findings().filter(district=district, code=service_request_id[:24]).first()
        if finding is None:
            raise exceptions.NotFound(_("service_request_id “%(id)s” was not found.") % {"id": service_request_id[:24]})
        return Response(Document("service_requests", [records.request_record(finding)]))


class TokenView(Open311View):
    def get(self, request, token: str, format=None):
        query = _validated(JurisdictionQuery, self.given(request.query_params))
        district = jurisdiction(query.get("jurisdiction_id"))
        try:
            value = uuid.UUID(token)
        except ValueError:
            value = None
        filed = (
            ServiceRequest.objects.select_related("finding").filter(token=value, finding__district=district).first()
            if value
            else None
        )
        if filed is None:
            raise exceptions.NotFound(_("token “%(token)s” was not found.") % {"token": token[:40]})
        return Response(
            Document("service_requests", [{"service_request_id": filed.finding.code, "token": str(filed.token)}])
        )


class UnknownView(Open311View):
    """Anything else under /open311/v2/: the specification's 404, in the format the suffix asks for."""

    def initial(self, request, *args, **kwargs):
        # Before authentication: an unknown address is a 404 whether or not a key came with it.
        self.format_kwarg = self.get_format_suffix(**kwargs)
        raise exceptions.NotFound(_("There is no such resource."))


def cache_seconds() -> int:
    return int(getattr(settings, "OPEN311_CACHE_SECONDS", 30))
