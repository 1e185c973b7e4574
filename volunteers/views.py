from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


@login_required
def home(request):
    return render(
        request,
        "workspace.html",
        {
            "title": _("Volunteer service"),
            "text": _("Activities to sign up for and your service hours will be shown here."),
            "memberships": request.user.memberships_cached,
        },
    )
