from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import services
from notifications.models import Notification


@login_required
def inbox(request):
    rows = Notification.objects.visible_to(request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request, pk: int):
    """Mark one read and go to what it is about (only links inside the portal are followed)."""
    row = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_read(user=request.user, ids=[pk])
    if row.link and url_has_allowed_host_and_scheme(row.link, allowed_hosts={request.get_host()}):
        return redirect(row.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_read(user=request.user)
    return redirect("notifications:inbox")
