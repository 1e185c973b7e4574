"""The house's import rule (DESIGN §3): imports point one way, from the top floors down.

web ← districts ← accounts ← notifications ← inspections ← oversight ← campaign
volunteers uses the floors below inspections; campaign may read volunteers; open311 uses
inspections; only config and the demo import the top apps.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CHAIN = ["web", "districts", "accounts", "notifications", "inspections", "oversight", "campaign"]
ALLOWED = {app: set(CHAIN[:i]) for i, app in enumerate(CHAIN)}
ALLOWED["volunteers"] = set(CHAIN[: CHAIN.index("inspections")])
ALLOWED["campaign"] |= {"volunteers"}
ALLOWED["open311"] = set(CHAIN[: CHAIN.index("inspections") + 1])
# Residents' questionnaires count as volunteer service; the dashboard reads their results.
ALLOWED["surveys"] = ALLOWED["volunteers"] | {"volunteers"}
ALLOWED["campaign"] |= {"surveys"}
# The 15-minute life circle turns what a community lacks into a micro-wish or a finding.
ALLOWED["neighbourhood"] = set(CHAIN[: CHAIN.index("inspections") + 1]) | {"volunteers"}
OURS = set(ALLOWED) | {"demo", "config"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


def _sources(app: str):
    for path in sorted((BASE / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("app", sorted(a for a in ALLOWED if (BASE / a).is_dir()))
def test_an_app_imports_only_the_floors_below_it(app):
    wrong = {str(path.relative_to(BASE)): sorted(_imports(path) - ALLOWED[app] - {app}) for path in _sources(app)}
    assert {path: apps for path, apps in wrong.items() if apps} == {}
