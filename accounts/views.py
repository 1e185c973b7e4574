from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.workspaces import workspace_for


@login_required
def home(request):
    """Send each person to the workspace of their role."""
    url_name = workspace_for(request.user)
    if url_name:
        return redirect(url_name)
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "accounts/no_role.html")
