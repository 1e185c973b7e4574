from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from districts.geometry import GeometryError, parse_polygon
from districts.models import Community, District, GridCell, Street, Unit
from districts.widgets import BoundaryMapWidget


class BoundaryForm(forms.ModelForm):
    """Edits the GeoJSON boundary on a Leaflet map (drawn polygons, no tiles needed)."""

    class Meta:
        fields = ["code", "name", "boundary"]
        widgets = {"boundary": BoundaryMapWidget()}

    def clean_boundary(self):
        boundary = self.cleaned_data.get("boundary")
        if boundary:
            try:
                parse_polygon(boundary)
            except GeometryError as exc:
                raise ValidationError(str(exc)) from exc
        return boundary


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    form = BoundaryForm
    fields = ["code", "name", "center_lat", "center_lng", "boundary"]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    form = BoundaryForm
    fields = ["code", "name", "district", "boundary"]
    list_display = ["code", "name", "district"]
    list_filter = ["district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    form = BoundaryForm
    fields = ["code", "name", "street", "boundary"]
    list_display = ["code", "name", "street"]
    list_filter = ["street"]
    search_fields = ["code", "name"]
    list_select_related = ["street"]


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    form = BoundaryForm
    fields = ["code", "name", "community", "boundary"]
    list_display = ["code", "name", "community", "min_lat", "min_lng", "max_lat", "max_lng"]
    list_filter = ["community__street"]
    search_fields = ["code", "name", "community__name"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district", "street"]
    list_filter = ["kind", "street"]
    search_fields = ["code", "name"]
