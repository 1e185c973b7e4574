from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def _placeholder(title, text):
    @login_required
    def view(request):
        memberships = request.user.memberships_cached
        return render(request, "workspace.html", {"title": title, "text": text, "memberships": memberships})

    return view


findings = _placeholder(
    _("Findings"),
    _("The problems in your area will be listed here: receive, rectify and report back within 24 hours."),
)
battle_map = _placeholder(_("Battle map"), _("The street's battle map of open problems will be shown here."))
oversight = _placeholder(_("Oversight"), _("Overdue problems and accountability cases will be shown here."))
