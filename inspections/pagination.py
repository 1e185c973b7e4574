"""The findings API's pages: 50 a page, with a count that says whether it is an estimate."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from inspections.counting import CountingPaginator


class FindingPagination(PageNumberPagination):
    django_paginator_class = CountingPaginator

    def get_paginated_response(self, data) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_estimate": paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        described = super().get_paginated_response_schema(schema)
        described["properties"] = {
            "count": described["properties"]["count"],
            "count_is_estimate": {
                "type": "boolean",
                "description": "true when the list is too long to count: then count is the database's estimate",
            },
            **{name: value for name, value in described["properties"].items() if name != "count"},
        }
        described["required"] = [*described.get("required", []), "count_is_estimate"]
        return described
