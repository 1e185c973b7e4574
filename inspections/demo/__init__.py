"""Demo content of the findings app: the campaign's categories and generated findings.

``seed_categories`` is idempotent (keyed on codes). ``seed_findings`` is not: every call adds
``count`` findings to the demo district, each with the history the workflow and the deadline
sweep would have written for it. They are written in bulk (COPY on PostgreSQL, ``bulk_create``
elsewhere; ``bulk``), so a million take minutes. Both run unscoped, as services of a
management command.
"""

from inspections.demo.categories import CATEGORIES, DemoCategory, seed_categories
from inspections.demo.findings import seed_findings

__all__ = ["CATEGORIES", "DemoCategory", "seed_categories", "seed_findings"]
