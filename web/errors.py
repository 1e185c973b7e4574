"""Refusals: what a service says when it will not do something, and how each face answers it.

Services (the finding workflow, accountability, volunteer sign-ups ...) raise one of three
refusals, each with a message for the person acting and, for bad input, the field it is about:

- ``Forbidden``: the actor's role does not allow this. A page shows the 403 page; the API 403.
- ``Conflict``: the object is not (or no longer) in a state that allows this. A page says so
  where the person acted; the API answers 409 ``{"detail": message}``.
- ``Invalid``: the input does not allow it. A page shows the form again with the error on its
  field; the API answers 400 ``{field: [message]}``.

``Forbidden`` is also Django's ``PermissionDenied``, so a refusal nobody catches still ends on
the 403 page; ``DomainErrorMiddleware`` gives the other two their page the same way.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A refused step; ``message`` is for the person acting, ``field`` the input it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(DomainError, PermissionDenied):
    """The actor's role does not allow this (HTTP 403)."""


class Conflict(DomainError):
    """The object is not (or no longer) in a state that allows this (HTTP 409)."""


class Invalid(DomainError):
    """The input does not allow this (HTTP 400 with the field)."""


def add_to_form(form: forms.Form, error: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a refusal on the form: on its field when the form has it (``aliases`` renames), else on top."""
    field = (aliases or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


def as_api_error(error: DomainError) -> exceptions.APIException:
    """The API's answer to a refusal."""
    if isinstance(error, Forbidden):
        return exceptions.PermissionDenied(error.message)
    if isinstance(error, Conflict):
        return ConflictError(error.message)
    return exceptions.ValidationError({error.field or api_settings.NON_FIELD_ERRORS_KEY: [error.message]})


def api_exception_handler(exc, context):
    """DRF's handler, after turning a refusal raised anywhere in an API view into its answer."""
    if isinstance(exc, DomainError):
        exc = as_api_error(exc)
    return exception_handler(exc, context)
