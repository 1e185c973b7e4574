"""How many findings a list has, answered honestly at any size without reading every row.

Up to ``LIST_EXACT_COUNT_UP_TO`` (default 1,000) the count is exact; past it, it is PostgreSQL's
planner estimate and says so (``Count.estimated``). Either way it is one query, which reads at
most that many rows plus one: ``SELECT COUNT(*) FROM (… LIMIT n + 1)``, and only when that
overflows the planner is asked (``inspections_count_estimate``, created by migration 0005), in
the same statement. So the cost of a count no longer grows with the list, and neither does the
number of queries. SQLite (the embedded default, small databases) counts exactly.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.utils.functional import cached_property


@dataclass(frozen=True)
class Count:
    value: int
    estimated: bool = False


def exact_up_to() -> int:
    return int(getattr(settings, "LIST_EXACT_COUNT_UP_TO", 1000))


def count(queryset) -> Count:
    """The number of rows of ``queryset``: exact up to ``exact_up_to()``, else an estimate."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return Count(queryset.count())
    limit = exact_up_to()
    rows = queryset.order_by().values("pk")
    try:
        bounded_sql, bounded_params = rows[: limit + 1].query.sql_with_params()
        full_sql, full_params = rows.query.sql_with_params()
    except EmptyResultSet:  # .none(): nothing to count, nothing to ask
        return Count(0)
    with connection.cursor() as cursor:
        # The planner is given the whole query as text, its values quoted by the driver.
        full_text = cursor.mogrify(full_sql, full_params).decode()
        # bounded_sql is the ORM's own compiled query; its values travel as parameters.
        sql = (
            "SELECT counted.n, CASE WHEN counted.n > %s THEN inspections_count_estimate(%s) END "  # noqa: S608
            f"FROM (SELECT COUNT(*) AS n FROM ({bounded_sql}) AS bounded) AS counted"
        )
        cursor.execute(sql, [limit, full_text, *bounded_params])
        exact, estimate = cursor.fetchone()
    if exact <= limit:
        return Count(exact)
    return Count(max(estimate or 0, limit + 1), estimated=True)


class CountingPage(Page):
    """A page of a list whose count is an estimate: whether there is a next page is seen, not computed."""

    more = False

    def has_next(self) -> bool:
        return self.more if self.paginator.count_is_estimate else super().has_next()


class CountingPaginator(Paginator):
    """Django's paginator with ``counting.count``; ``count_is_estimate`` says which it was.

    With an estimate, a page is never cut to the estimate's length, any page from 1 on may be
    asked for (past the end it is empty), and the next page exists when one more row was read.
    """

    count_is_estimate = False

    @cached_property
    def count(self) -> int:
        counted = count(self.object_list)
        self.count_is_estimate = counted.estimated
        return counted.value

    def validate_number(self, number) -> int:
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.count_is_estimate and int(number) >= 1:
                return int(number)
            raise

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if not self.count_is_estimate:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        page = CountingPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page
