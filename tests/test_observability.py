"""Operability: request ids, /metrics with domain counters, and JSON logs that carry no personal data."""

import json
import re
import subprocess

import httpx
import pytest
from starlette.datastructures import Secret

from foundation.logs import redact
from foundation.settings import Mode
from server.app import create_app
from tests import factories
from tests.client import GraphQLClient
from tests.conftest import make_settings
from tests.processes import SCRM, free_port, wait_healthy

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

CLAIM = """mutation($c: String!) { claimItemCode(code: $c) { pointsEarned errors { code } } }"""


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(f"{name}{{"):
            head, _, value = line.rpartition(" ")
            got = ",".join(sorted(head[len(name) + 1 : -1].split(",")))
            if got == wanted:
                return float(value)
    return 0.0


async def test_request_ids_and_refusals_by_reason_in_metrics(db, settings, client) -> None:
    cast = await factories.cast(settings, "acme")
    before = (await client.http.get("/metrics")).text
    answer = await client.http.post(
        "/graphql",
        json={"query": CLAIM, "variables": {"c": "forged"}},
        headers={"authorization": f"Bearer {cast.tokens['consumer']}", "x-request-id": "trace-abc-123"},
    )
    assert answer.headers["x-request-id"] == "trace-abc-123"
    # A header that could inject into logs is replaced by an id of our own.
    odd = await client.http.get("/health", headers={"x-request-id": "bad id\n{}"})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])
    await client.mutate("claimItemCode", CLAIM, {"c": "forged"}, token=cast.tokens["consumer"])

    after = (await client.http.get("/metrics")).text
    refused = {"operation": "claim_item_code", "outcome": "ITEM_CODE_INVALID"}
    assert sample(after, "scrm_operations_total", **refused) - sample(before, "scrm_operations_total", **refused) == 2
    graphql = {"route": "/graphql", "status": "200"}
    assert (
        sample(after, "scrm_http_requests_total", **graphql) - sample(before, "scrm_http_requests_total", **graphql)
        == 2
    )
    # Labels hold route templates, never a raw path with an id or code in it.
    await client.http.get("/exports/code-batches/12345.csv")
    assert "12345" not in (await client.http.get("/metrics")).text


async def test_metrics_are_not_public_in_production(db, upstream, clock) -> None:
    prod = create_app(make_settings(upstream, mode=Mode.PRODUCTION), manage_db=False, clock=clock)
    async with prod.router.lifespan_context(prod):
        for host, status in (("203.0.113.9", 403), ("127.0.0.1", 200)):
            transport = httpx.ASGITransport(app=prod, client=(host, 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://scrm.test") as http:
                assert (await http.get("/metrics")).status_code == status
    with_token = make_settings(upstream, mode=Mode.PRODUCTION, metrics_token=Secret("scrape-me"))
    async with GraphQLClient.running(create_app(with_token, manage_db=False, clock=clock)) as client:
        assert (await client.http.get("/metrics", headers={"authorization": "Bearer nope"})).status_code == 403
        ok = await client.http.get("/metrics", headers={"authorization": "Bearer scrape-me"})
        assert ok.status_code == 200 and "scrm_operations_total" in ok.text


def test_redaction_of_what_could_slip_into_a_log() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    text = redact(f"phone +86 138-0013-8000 token Bearer {jwt} code 01A3F9C2B7D4E5F60718293A4B5C6D7E member 42")
    assert "138" not in text and "eyJ" not in text and "01A3F9" not in text
    assert text.endswith("member 42")


def test_served_logs_are_json_with_request_ids_and_no_personal_data(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "SCRM_RATE_LIMITS": "scan.member=2/86400"}
    assert subprocess.run([SCRM, "migrate"], env=env, capture_output=True).returncode == 0
    assert subprocess.run([SCRM, "seed-demo"], env=env, capture_output=True).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [SCRM, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    phone, code = "13800138000", "0123456789ABCDEF0123456789ABCDEF"
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        signed_in = httpx.post(
            f"{base}/graphql", json={"query": 'mutation { devSignIn(brand: "demo", subject: "privacy-mum") { token } }'}
        )
        token = signed_in.json()["data"]["devSignIn"]["token"]
        auth = {"authorization": f"Bearer {token}"}
        profile = {
            "query": "mutation($p: String) { updateProfile(input: {phone: $p, phoneConsent: true}) { errors { code } } }",
            "variables": {"p": phone},
        }
        httpx.post(f"{base}/graphql", json=profile, headers=auth)
        for _ in range(3):  # the third is over the limit: a warning is logged
            httpx.post(f"{base}/graphql", json={"query": CLAIM, "variables": {"c": code}}, headers=auth)
        httpx.get(f"{base}/graphql", params={"query": "{ me { memberId } }", "token": token, "phone": phone})
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)

    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    access = [r for r in records if r["logger"] == "scrm.access"]
    assert len(access) >= 6 and all(re.fullmatch(r"[0-9a-f]{32}", r["request_id"]) for r in access)
    assert {r["route"] for r in access} >= {"/graphql", "/health"}
    assert any(r["message"] == "rate limit reached" and r["rule"] == "scan.member" for r in records)
    # The client's address is not logged (the server's own listen address may be).
    assert all("client" not in r and "127.0.0.1" not in json.dumps(r) for r in access)
    for secret in (phone, token, code, "privacy-mum"):
        assert secret not in stderr, secret
