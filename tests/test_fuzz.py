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

import graphql
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.processes import SCRM, serving

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("SCRM_FUZZ_EXAMPLES", "15"))


def json_node(value: object) -> graphql.ValueNode:
    """A JSON value as a GraphQL literal (schemathesis needs AST nodes for the JSON scalar)."""
    if value is None:
        return graphql.NullValueNode()
    if isinstance(value, bool):
        return graphql.BooleanValueNode(value=value)
    if isinstance(value, int):
        return graphql.IntValueNode(value=str(value))
    if isinstance(value, str):
        return graphql.StringValueNode(value=value)
    if isinstance(value, list):
        return graphql.ListValueNode(values=tuple(json_node(v) for v in value))
    assert isinstance(value, dict)
    return graphql.ObjectValueNode(
        fields=tuple(
            graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=json_node(v)) for k, v in value.items()
        )
    )


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), inner, max_size=4)
    ),
    max_leaves=12,
)
# Journey-shaped JSON too, so the definition checks are reached, not only the shape check.
JOURNEYS = st.fixed_dictionaries(
    {
        "trigger": st.fixed_dictionaries(
            {"kind": st.sampled_from(["registered", "baby_age_months", "no_purchase_for_days", "born"])},
            optional={"months": st.integers(-5, 100), "days": st.integers(-5, 4000)},
        ),
        "steps": st.lists(
            st.fixed_dictionaries(
                {"kind": st.sampled_from(["wait", "if", "message", "coupon", "task", "dance"])},
                optional={"days": st.integers(-1, 400), "title": st.text(max_size=50), "body": st.text(max_size=50)},
            ),
            max_size=3,
        ),
    }
)
schemathesis.graphql.scalar("JSON", (ANY_JSON | JOURNEYS).map(json_node))


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
