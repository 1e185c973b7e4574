from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import health


@never_cache
@require_GET
def healthz(request):
    """State of the database, the broker and the beat; 200 when the database answers."""
    body, ok = health.report()
    return JsonResponse(body, status=200 if ok else 503)
