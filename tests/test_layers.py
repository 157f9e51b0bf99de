"""The direction of dependencies: corpus → index → service core → adapters, and adapters never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

from service.config import PROJECT_ROOT

ADAPTERS = ("service.api", "service.slack", "service.web")
# The app factory is where the adapters served by one process are put together (the page's static files and the
# Slack events endpoint are mounted on the API's server): the one place allowed to name them all.
COMPOSITION_ROOT = "service/api/app.py"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules_under(package: str) -> dict[str, set[str]]:
    folder = PROJECT_ROOT / package.replace(".", "/")
    return {str(path.relative_to(PROJECT_ROOT)): imported_modules(path) for path in folder.rglob("*.py")}


def test_the_index_never_imports_the_service_or_a_web_framework() -> None:
    for path, modules in modules_under("index").items():
        bad = {m for m in modules if m.split(".")[0] in ("service", "fastapi", "starlette", "slack_bolt", "uvicorn")}
        assert not bad, f"{path} imports {sorted(bad)}"


def test_adapters_do_not_import_each_other() -> None:
    for adapter in ADAPTERS:
        others = [a for a in ADAPTERS if a != adapter]
        for path, modules in modules_under(adapter).items():
            if path == COMPOSITION_ROOT:
                continue
            bad = {m for m in modules if any(m == o or m.startswith(o + ".") for o in others)}
            assert not bad, f"{path} imports another adapter: {sorted(bad)}"


def test_the_answering_core_imports_no_adapter() -> None:
    core = {p: m for p, m in modules_under("service").items()
            if not p.startswith(("service/api/", "service/slack/", "service/web/")) and p != "service/cli.py"}
    for path, modules in core.items():
        bad = {m for m in modules if any(m == a or m.startswith(a + ".") for a in ADAPTERS)}
        assert not bad, f"{path} (core) imports an adapter: {sorted(bad)}"
