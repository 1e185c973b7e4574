"""What every volunteer page shares: who may open it, the objects it may show, refusals as pages."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from volunteers.permissions import is_staff_reader, is_volunteer
from web.errors import Conflict, Forbidden, Invalid
from web.pages import forbidden


def volunteer_only(view):
    """Log in first; then anyone but a volunteer gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_volunteer(request.user):
            return forbidden(request, _("These pages are for volunteers."))
        return view(request, *args, **kwargs)

    return wrapped


def staff_only(view):
    """Log in first; then anyone but organisers, street staff and leaders gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff_reader(request.user):
            return forbidden(request, _("These pages are for organisers, street staff and leaders."))
        return view(request, *args, **kwargs)

    return wrapped


def found(obj):
    """The object, or the 404 page: out of scope and missing look the same."""
    if obj is None:
        raise Http404
    return obj


def perform(request, run: Callable, *, success: str, back: str):
    """Run one service for a button (no form to show again): a refusal is the 403 page or a message."""
    try:
        run()
    except Forbidden as error:
        return forbidden(request, error.message)
    except (Conflict, Invalid) as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, success)
    return redirect(back)
