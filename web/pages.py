"""The error pages (400, 403, 404, 409, 500), in the portal's layout, with a way back.

``config.urls`` names these as Django's handlers, so every error a page raises ends here,
whatever ``DEBUG`` says. ``forbidden`` is for views that refuse with a message of their own.
"""

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from web.errors import DomainError


def _page(request, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "errors/error.html", {"status": status, "title": title, "message": message}, status=status)


def _message(exception, default: str) -> str:
    """The refusal's own message when it has one meant for people, else ``default``."""
    if isinstance(exception, DomainError):
        return exception.message
    return default


def forbidden(request, message: str = "") -> HttpResponse:
    """The 403 page, saying what the role does not allow."""
    return _page(request, 403, _("Not allowed"), message or _("Your role does not allow this."))


def conflict(request, message: str) -> HttpResponse:
    return _page(request, 409, _("Not possible now"), message)


@requires_csrf_token
def bad_request(request, exception=None) -> HttpResponse:
    return _page(request, 400, _("Bad request"), _message(exception, _("The request could not be understood.")))


@requires_csrf_token
def permission_denied(request, exception=None) -> HttpResponse:
    return forbidden(request, _message(exception, ""))


@requires_csrf_token
def page_not_found(request, exception=None) -> HttpResponse:
    # Http404's own text may name URL patterns or models: people get one plain sentence.
    return _page(
        request,
        404,
        _("Not found"),
        _("There is nothing at this address, or it lies outside your area."),
    )


@requires_csrf_token
def server_error(request) -> HttpResponse:
    """Rendered without the request's context: whatever broke (the database) may break it again."""
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
