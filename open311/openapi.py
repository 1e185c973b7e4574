"""An OpenAPI 3.0 description of /open311/v2/, served at ``/open311/v2/openapi.json``.

GeoReport v2 fixes the interface, so the description is written from the specification (not
derived from serializers): each resource once per format, ``.xml`` (``text/xml``, with the XML
element names) and ``.json`` (``application/json``), and the error answers of each.
The schemathesis test in ``tests/open311`` checks the portal against it.
"""

from copy import deepcopy

from django.http import JsonResponse

PREFIX = "/open311/v2"
NULLABLE_STRING = {"type": "string", "nullable": True}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "xml": {"name": "error"},
    },
    "Endpoint": {
        "type": "object",
        "required": ["specification", "url", "changeset", "type", "formats"],
        "properties": {
            "specification": {"type": "string"},
            "url": {"type": "string"},
            "changeset": {"type": "string"},
            "type": {"type": "string", "enum": ["production", "test"]},
            "formats": {"type": "array", "items": {"type": "string", "xml": {"name": "format"}}},
        },
        "xml": {"name": "endpoint"},
    },
    "Discovery": {
        "type": "object",
        "required": ["changeset", "contact", "key_service", "endpoints"],
        "properties": {
            "changeset": {"type": "string"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {"type": "array", "items": _ref("Endpoint"), "xml": {"wrapped": True}},
        },
        "xml": {"name": "discovery"},
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
        "xml": {"name": "service"},
    },
    "Value": {
        "type": "object",
        "required": ["key", "name"],
        "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
        "xml": {"name": "value"},
    },
    "Attribute": {
        "type": "object",
        "required": ["variable", "code", "datatype", "required", "datatype_description", "order", "description"],
        "properties": {
            "variable": {"type": "boolean"},
            "code": {"type": "string"},
            "datatype": {
                "type": "string",
                "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
            },
            "required": {"type": "boolean"},
            "datatype_description": NULLABLE_STRING,
            "order": {"type": "integer", "minimum": 1},
            "description": {"type": "string"},
            "values": {"type": "array", "items": _ref("Value"), "xml": {"wrapped": True}},
        },
        "xml": {"name": "attribute"},
    },
    "ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {"type": "array", "items": _ref("Attribute"), "xml": {"wrapped": True}},
        },
        "xml": {"name": "service_definition"},
    },
    "ServiceRequest": {
        "type": "object",
        "required": [
            "service_request_id",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "lat",
            "long",
            "media_url",
        ],
        "properties": {
            "service_request_id": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": NULLABLE_STRING,
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": {"type": "string"},
            "agency_responsible": {"type": "string"},
            "service_notice": {"type": "string"},
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": {"type": "string", "format": "date-time"},
            "address": {"type": "string"},
            "address_id": NULLABLE_STRING,
            "zipcode": NULLABLE_STRING,
            "lat": {"type": "number", "nullable": True},
            "long": {"type": "number", "nullable": True},
            "media_url": NULLABLE_STRING,
        },
        "additionalProperties": False,
        "xml": {"name": "request"},
    },
    "Created": {
        "type": "object",
        "required": ["service_request_id", "token", "service_notice", "account_id"],
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": {"type": "string"},
            "account_id": NULLABLE_STRING,
        },
        "additionalProperties": False,
        "xml": {"name": "request"},
    },
    "Token": {
        "type": "object",
        "required": ["service_request_id", "token"],
        "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
        "additionalProperties": False,
        "xml": {"name": "request"},
    },
}


def _array(item: str, root: str) -> dict:
    return {"type": "array", "items": _ref(item), "xml": {"name": root, "wrapped": True}}


def _errors_content(fmt: str) -> dict:
    return _content(fmt, _array("Error", "errors"))


def _content(fmt: str, schema: dict) -> dict:
    return {"text/xml" if fmt == "xml" else "application/json": {"schema": schema}}


def _error(fmt: str, description: str) -> dict:
    return {"description": description, "content": _errors_content(fmt)}


JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": False,
    "description": "The district's code (370103); optional while one district is served.",
    "schema": {"type": "string"},
}


def _path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": {"type": "string"}}


def _get(fmt: str, summary: str, schema: dict, *, parameters=(), not_found="Not found") -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"{summary.lower().replace(' ', '_')}_{fmt}",
            "parameters": [JURISDICTION, *parameters],
            "responses": {
                "200": {"description": "OK", "content": _content(fmt, schema)},
                "400": _error(fmt, "Bad request (the errors say why)"),
                "404": _error(fmt, not_found),
            },
        }
    }


FILING_PROPERTIES = {
    "api_key": {"type": "string", "minLength": 1, "description": "An Open311 key (issue_api_key --scope open311)"},
    "jurisdiction_id": {"type": "string"},
    "service_code": {"type": "string", "minLength": 1, "pattern": "\\S"},
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "long": {"type": "number", "minimum": -180, "maximum": 180},
    "address_string": {"type": "string"},
    "address_id": {"type": "string"},
    "email": {"type": "string"},
    "device_id": {"type": "string"},
    "account_id": {"type": "string"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "phone": {"type": "string"},
    "description": {"type": "string", "maxLength": 4000},
    "media_url": {"type": "string"},
}


def EMPTY_OR(schema: dict) -> dict:  # noqa: N802 (reads as a type)
    """``schema``, or the empty string: an empty optional argument is an absent one."""
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


REQUESTS_PARAMETERS = [
    {
        "name": "service_request_id",
        "in": "query",
        "description": "Comma-separated numbers; overrides every other filter.",
        "schema": {"type": "string"},
    },
    {"name": "service_code", "in": "query", "description": "Comma-separated codes.", "schema": {"type": "string"}},
    {"name": "start_date", "in": "query", "schema": EMPTY_OR({"type": "string", "format": "date-time"})},
    {"name": "end_date", "in": "query", "schema": EMPTY_OR({"type": "string", "format": "date-time"})},
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "closed", ""]}},
]


def _requests(fmt: str) -> dict:
    operation = _get(
        fmt, "Get service requests", _array("ServiceRequest", "service_requests"), parameters=REQUESTS_PARAMETERS
    )
    form = {"type": "object", "required": ["api_key", "service_code"], "properties": FILING_PROPERTIES}
    multipart = deepcopy(form)
    multipart["properties"]["media"] = {"type": "string", "format": "binary"}
    operation["post"] = {
        "summary": "Post a service request",
        "operationId": f"post_service_request_{fmt}",
        "description": "Also attribute[code] and attribute[code][] for the service's questions.",
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": form},
                "multipart/form-data": {"schema": multipart},
            },
        },
        "responses": {
            "201": {"description": "Filed", "content": _content(fmt, _array("Created", "service_requests"))},
            "400": _error(fmt, "Bad request (the errors say why)"),
            "403": _error(fmt, "api_key missing or not valid"),
            "404": _error(fmt, "service_code or jurisdiction_id not found"),
            "429": {
                "description": "Too many requests with this key",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": _errors_content(fmt),
            },
        },
    }
    return operation


def paths() -> dict:
    found = {}
    for fmt in ("xml", "json"):
        found[f"{PREFIX}/discovery.{fmt}"] = _get(fmt, "Discovery", _ref("Discovery"))
        found[f"{PREFIX}/services.{fmt}"] = _get(fmt, "Get service list", _array("Service", "services"))
        found[f"{PREFIX}/services/{{service_code}}.{fmt}"] = _get(
            fmt,
            "Get service definition",
            _ref("ServiceDefinition"),
            parameters=[_path_param("service_code", "A category's code")],
        )
        found[f"{PREFIX}/requests.{fmt}"] = _requests(fmt)
        found[f"{PREFIX}/requests/{{service_request_id}}.{fmt}"] = _get(
            fmt,
            "Get service request",
            _array("ServiceRequest", "service_requests"),
            parameters=[_path_param("service_request_id", "A finding's number, e.g. 370103-20261126-0007")],
        )
        found[f"{PREFIX}/tokens/{{token}}.{fmt}"] = _get(
            fmt,
            "Get service request id from a token",
            _array("Token", "service_requests"),
            parameters=[_path_param("token", "The token a POST answered with")],
        )
    return found


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Chuangcheng Open311 GeoReport v2",
            "version": "2",
            "description": "GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the portal's findings.",
        },
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }


def schema_view(request):
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})
