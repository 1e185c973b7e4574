"""The filters of the findings list, shared by the page, the ledger export and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Finding
from web.fields import IsoDateTimeFilter


class FindingFilter(django_filters.FilterSet):
    """Filters by codes (category, street, community, grid), so URLs read the same as the API."""

    # distinct=False: a choice filter on the row's own column cannot duplicate rows, and DISTINCT
    # would make PostgreSQL sort every match instead of reading the first page from an index.
    status = django_filters.MultipleChoiceFilter(choices=Finding.Status.choices, label=_("status"), distinct=False)
    source = django_filters.MultipleChoiceFilter(choices=Finding.Source.choices, label=_("source"), distinct=False)
    category = django_filters.CharFilter(field_name="category__code", label=_("category"))
    street = django_filters.CharFilter(field_name="street__code", label=_("street"))
    community = django_filters.CharFilter(field_name="community__code", label=_("community"))
    grid = django_filters.CharFilter(field_name="grid_cell__code", label=_("grid cell"))
    unit = django_filters.CharFilter(field_name="responsible_unit__code", label=_("responsible unit"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    reported_after = IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte", label=_("reported after"))
    reported_before = IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt", label=_("reported before"))
    q = django_filters.CharFilter(method="filter_q", label=_("number or address"))

    class Meta:
        model = Finding
        fields = [
            "status",
            "source",
            "category",
            "street",
            "community",
            "grid",
            "unit",
            "overdue",
            "reported_after",
            "reported_before",
            "q",
        ]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.overdue(now) if value else queryset.not_overdue(now)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(address__icontains=value) | Q(external_ref=value))
