from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


@login_required
def dashboard(request):
    return render(
        request,
        "workspace.html",
        {
            "title": _("Leader's dashboard"),
            "text": _("On-time rates, overdue problems and rankings of streets and communities will be shown here."),
            "memberships": request.user.memberships_cached,
        },
    )
