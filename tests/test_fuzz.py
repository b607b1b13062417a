"""A fuzz run of the GraphQL endpoint: schemathesis generates queries and mutations from the
introspected schema (arguments of every shape, including wrong ones) and sends each as an HQ
user, a consumer and an anonymous caller to `scrm serve` (development mode, SQLite, demo data).
No answer may be a server error: no 5xx, and no masked "Internal server error." in `errors`.

Refusals (FORBIDDEN, INVALID_ID, ...) are expected answers here: schemathesis's own
not_a_server_error check counts every resolver error as a failure, so this test applies the
stricter-but-right rule itself. SCRM_FUZZ_EXAMPLES raises the examples per operation (default 15).
"""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.processes import SCRM, serving

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("SCRM_FUZZ_EXAMPLES", "15"))


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SCRM_") and k != "DATABASE_URL"}
    env = {
        **keep,
        "DATABASE_URL": f"sqlite://{folder}/fuzz.sqlite3",
        "SCRM_MODE": "development",
        "SCRM_RATE_LIMITS": "off",
    }
    for step in ("migrate", "seed-demo"):
        subprocess.run([SCRM, step], env=env, check=True, capture_output=True)
    with serving(env) as (base, _):

        def token(query: str) -> str:
            answer = httpx.post(f"{base}/graphql", json={"query": query}).json()
            return next(iter(answer["data"].values()))["token"]

        tokens = {
            "hq": token(
                'mutation { signInStaff(brand: "demo", username: "hq-admin", password: "demo-password") { token } }'
            ),
            "consumer": token('mutation { devSignIn(brand: "demo", subject: "fuzz-mum") { token } }'),
        }
        yield base, tokens


def test_no_generated_request_is_a_server_error(served) -> None:
    base, tokens = served
    schema = schemathesis.graphql.from_url(f"{base}/graphql")
    operations = [result.ok() for result in schema.get_all_operations()]
    sent = 0

    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
    )
    def run(case) -> None:
        nonlocal sent
        for who in ("hq", "consumer", None):
            headers = {"authorization": f"Bearer {tokens[who]}"} if who else {}
            response = case.call(headers=headers)
            sent += 1
            assert response.status_code < 500, (who, case.body, response.text)
            body = response.json()
            masked = [e for e in body.get("errors") or [] if e.get("message") == "Internal server error."]
            assert not masked, (who, case.body, body)

    for operation in operations:
        given(operation.as_strategy())(run)()
    assert len(operations) > 70 and sent >= len(operations) * 3
    print(f"fuzz: {len(operations)} operations, {sent} requests, no server error")
