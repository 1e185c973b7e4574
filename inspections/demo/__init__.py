"""Demo content of the findings app: the campaign's categories, generated findings, extension requests.

``seed_categories`` is idempotent (keyed on codes); ``seed_extensions`` runs once. ``seed_findings``
is not: every call adds ``count`` findings to the demo district, each with the history the
workflow and the deadline sweep would have written for it. They are written in bulk (COPY on
PostgreSQL, ``bulk_create`` elsewhere; ``bulk``), so a million take minutes. All run unscoped,
as services of a management command.
"""

from inspections.demo.categories import CATEGORIES, DemoCategory, seed_categories
from inspections.demo.extensions import seed_extensions
from inspections.demo.findings import seed_findings

__all__ = ["CATEGORIES", "DemoCategory", "seed_categories", "seed_extensions", "seed_findings"]
