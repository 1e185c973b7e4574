"""GeoReport v2's two formats, chosen by the URL's suffix: XML (required) and JSON.

A view answers with a ``Document``: the root element's name and the body. In JSON the body is
written as it is (the lists are JSON arrays: ``services.json`` is an array of services); in XML
it becomes the root element with one child per key, and each list a run of elements named by
``ITEMS`` (``services/service``, ``attributes/attribute`` ...). XML is built with lxml, with an
XML declaration and no namespace, as the specification's examples are.

Errors take the specification's form too: ``errors/error`` with ``code`` and ``description``,
a JSON array of objects.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from lxml import etree
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from web.errors import DomainError, as_api_error

#: Element name of the items of each list, in XML.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# What XML 1.0 cannot carry at all (control characters, NUL, lone surrogates): echoed input such
# as an unknown code may hold them, and lxml refuses them.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Document:
    """What a view answers: ``root`` names the XML root element; ``body`` is a dict or a list."""

    root: str
    body: dict | list


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in the portal's time zone, with its offset: 2026-11-26T09:00:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def _fill(element: etree._Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(etree.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item = ITEMS[element.tag]
        for child in value:
            _fill(etree.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(document: Document) -> bytes:
    root = etree.Element(document.root)
    _fill(root, document.body)
    return XML_DECLARATION + etree.tostring(root, encoding="utf-8", pretty_print=True)


class XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return to_xml(data) if isinstance(data, Document) else b""


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None  # JSON is UTF-8 by definition (RFC 8259); no charset parameter

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        body = data.body if isinstance(data, Document) else data
        return json.dumps(body, ensure_ascii=False).encode("utf-8")


RENDERERS = [XMLRenderer, JSONRenderer]


class SuffixNegotiation(BaseContentNegotiation):
    """The suffix alone chooses (``.xml`` / ``.json``), whatever the Accept header says; XML otherwise."""

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip().lower()
        return next((parser for parser in parsers if parser.media_type == content_type), None)

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = next((r for r in renderers if r.format == format_suffix), renderers[0])
        return renderer, renderer.media_type


def errors(status_code: int, *descriptions: str, headers: dict | None = None) -> Response:
    """The specification's error answer: one ``error`` per description, all with ``status_code``."""
    body = [{"code": status_code, "description": str(description)} for description in descriptions]
    return Response(Document("errors", body), status=status_code, headers=headers)


def _messages(detail) -> list[str]:
    """DRF's error detail (a string, a list or ``{field: [messages]}``) as flat descriptions."""
    if isinstance(detail, dict):
        found = []
        for field, value in detail.items():
            found += [f"{field}: {message}" for message in _messages(value)]
        return found
    if isinstance(detail, list | tuple):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


def exception_handler(exc, context) -> Response | None:
    """Every refusal in the specification's form. Its statuses: 404 for what is not found, 403 for
    a missing or bad key, 429 past the rate limit, 405 for a method a resource does not have, and
    400 for everything else (bad input, an unreadable body, an unsupported content type)."""
    if isinstance(exc, DomainError):
        exc = as_api_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else None
        return errors(status.HTTP_429_TOO_MANY_REQUESTS, exc.detail, headers=headers)
    if isinstance(exc, exceptions.NotFound):
        return errors(status.HTTP_404_NOT_FOUND, *_messages(exc.detail))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed | exceptions.PermissionDenied):
        return errors(status.HTTP_403_FORBIDDEN, *_messages(exc.detail))
    if isinstance(exc, exceptions.MethodNotAllowed):
        view = context.get("view")
        allow = ", ".join(view.allowed_methods) if view is not None else ""
        return errors(status.HTTP_405_METHOD_NOT_ALLOWED, *_messages(exc.detail), headers={"Allow": allow})
    if isinstance(exc, exceptions.APIException):
        return errors(status.HTTP_400_BAD_REQUEST, *_messages(exc.detail))
    return None
