"""A typed client for the mini-program: GraphQL Code Generator (pinned by clients/typescript's lock
file) types the main operations from schema.graphql, and tsc --strict compiles them with code that
uses them. An operation the schema does not allow, or a type the code misuses, fails here."""

import shutil
import subprocess
from pathlib import Path

import pytest

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

CLIENT = Path(__file__).resolve().parent.parent / "clients" / "typescript"


@pytest.fixture(scope="module")
def generated() -> str:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the typed client")
    if not (CLIENT / "node_modules" / "@graphql-codegen" / "cli").is_dir():
        subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=CLIENT, check=True, timeout=600)
    done = subprocess.run(
        ["npm", "run", "--silent", "generate"], cwd=CLIENT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return (CLIENT / "generated" / "graphql.ts").read_text(encoding="utf-8")


def _tsc() -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npm", "run", "--silent", "check"], cwd=CLIENT, capture_output=True, text=True, timeout=300)


def test_the_main_operations_are_typed_with_real_scalar_types(generated: str) -> None:
    for operation in (
        "SignInWithWechatMutation",
        "VerifyPhoneMutation",
        "RegisterMutation",
        "ClaimItemCodeMutation",
        "MyCouponsQuery",
        "PointsShopQuery",
        "SignUpForEventMutation",
        "MyInboxQuery",
        "MarkInboxReadMutation",
        "RecordSubscribeResultsMutation",
    ):
        assert f"export type {operation} = " in generated, operation
    assert "value: { amount: number, currency: string, digits: number }" in generated  # MinorUnits
    assert "expiresAt: string" in generated and ": any" not in generated


def test_they_compile_with_tsc_strict(generated: str) -> None:
    compiled = _tsc()
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_a_misused_type_does_not_compile(generated: str) -> None:
    wrong = CLIENT / "generated" / "misuse.ts"
    wrong.write_text(
        'import type { ClaimItemCodeMutation } from "./graphql";\n'
        "export const sku: number = ({} as ClaimItemCodeMutation).claimItemCode?.claim?.sku ?? 0;\n",
        encoding="utf-8",
    )
    try:
        compiled = _tsc()
    finally:
        wrong.unlink()
    assert compiled.returncode != 0 and "misuse.ts" in compiled.stdout + compiled.stderr
