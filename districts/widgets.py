import json

from django import forms
from django.conf import settings


class BoundaryMapWidget(forms.Textarea):
    """The GeoJSON boundary as text, with a Leaflet map that draws it as it is edited.

    The map needs no tiles: the polygon is drawn on its own when the tile server is unreachable.
    """

    template_name = "districts/widgets/boundary_map.html"

    class Media:
        css = {"all": ["leaflet/leaflet.css", "css/boundary-map.css"]}
        js = ["leaflet/leaflet.js", "js/map-locale.js", "js/boundary-map.js"]

    def __init__(self, attrs=None):
        super().__init__({"rows": 6, "class": "vLargeTextField boundary-json", **(attrs or {})})

    def format_value(self, value):
        if value in (None, ""):
            return ""
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["tiles_url"] = settings.MAP_TILES_URL
        return context
