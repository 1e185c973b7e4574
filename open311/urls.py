"""/open311/v2/ (mounted by config.urls). Every resource ends in ``.xml`` or ``.json``."""

from django.urls import re_path
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_headers

from open311 import api, openapi

app_name = "open311"

FORMAT = r"\.(?P<format>xml|json)$"


def public(view):
    """A public read, cached briefly; the language of the answer is part of the cache key."""
    return cache_page(api.cache_seconds())(vary_on_headers("Accept-Language")(view))


urlpatterns = [
    re_path(r"^openapi\.json$", openapi.schema_view, name="openapi"),
    re_path(r"^discovery" + FORMAT, public(api.DiscoveryView.as_view()), name="discovery"),
    re_path(r"^services" + FORMAT, public(api.ServiceListView.as_view()), name="services"),
    re_path(r"^services/(?P<service_code>[^/]+)" + FORMAT, public(api.ServiceDefinitionView.as_view()), name="service"),
    re_path(r"^requests" + FORMAT, public(api.RequestsView.as_view()), name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]+)" + FORMAT, public(api.RequestView.as_view()), name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FORMAT, public(api.TokenView.as_view()), name="token"),
    re_path(r"^.*?(?:\.(?P<format>xml|json))?$", api.UnknownView.as_view(), name="unknown"),
]
