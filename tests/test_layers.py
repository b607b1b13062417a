"""The packages stand in floors, and none imports one above it: the platform (`foundation`) at the
ground, then the domains, then `access` (sign-in), then `schema` (GraphQL), then `server` (the
composition root: app, CLI, workers). Every import counts, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each package may import of ours (besides itself).
ALLOWED: dict[str, set[str]] = {
    "foundation": set(),
    "referral": {"foundation"},
    "events": {"foundation", "referral"},
    "loyalty": {"foundation", "referral", "events"},
    "reach": {"foundation", "referral", "events", "loyalty"},
    "insight": {"foundation", "referral", "events", "loyalty"},
    "access": {"foundation", "referral"},
    "schema": {"foundation", "referral", "events", "loyalty", "reach", "insight", "access"},
    "server": {"foundation", "referral", "events", "loyalty", "reach", "insight", "access", "schema"},
}
OURS = set(ALLOWED)


def imports_of(path: Path) -> set[str]:
    """Our top-level packages this file imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_package_imports_one_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported - ALLOWED[package] - {package})
        for path in files
        if (imported := imports_of(path)) - ALLOWED[package] - {package}
    }
    assert wrong == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from schema.root import schema\n    import server.app\n")
    assert imports_of(module) == {"schema", "server"}


def test_the_rules_the_issue_names_hold() -> None:
    domains = ("referral", "loyalty", "events", "reach", "insight")
    assert all(not ALLOWED[d] & {"schema", "server", "access"} for d in domains)
    assert not ALLOWED["foundation"] & {*domains, "schema", "server", "access"}
    assert not ALLOWED["referral"] & {"loyalty", "events"}
