"""The `scrm` command as a new user runs it: migrate, seed, create staff, serve, answer over HTTP."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from foundation import global_ids
from foundation.auth.passwords import verify_password
from tests.conftest import TEST_DATA_KEYS
from tests.processes import SCRM, free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRM, *args], env=env, capture_output=True, text=True, timeout=120)


def test_fresh_database_to_answered_query(cli_env: dict[str, str]) -> None:
    migrated = run(cli_env, "migrate")
    assert migrated.returncode == 0 and "database is up to date" in migrated.stdout, migrated.stderr
    assert run(cli_env, "migrate").returncode == 0  # idempotent
    first, second = run(cli_env, "seed-demo"), run(cli_env, "seed-demo")
    assert first.returncode == second.returncode == 0, first.stderr
    assert "created" in first.stdout and "created" not in second.stdout

    created = run(
        {**cli_env, "PW": "a long enough password"},
        "create-staff",
        "--brand",
        "demo",
        "--username",
        "carol",
        "--role",
        "store_manager",
        "--store-code",
        "SH-001",
        "--password-env",
        "PW",
    )
    assert created.returncode == 0, created.stderr
    no_store = run(
        {**cli_env, "PW": "a long enough password"},
        "create-staff",
        "--brand",
        "demo",
        "--username",
        "dave",
        "--role",
        "store_manager",
        "--password-env",
        "PW",
    )
    assert no_store.returncode == 1 and "store" in no_store.stderr

    port = free_port()
    server = subprocess.Popen(
        [SCRM, "serve", "--port", str(port)], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)

        def gql(query: str, token: str | None = None) -> dict:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            response = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        staff = gql(
            'mutation { signInStaff(brand: "demo", username: "carol", password: "a long enough password") { token errors { code } } }'
        )
        token = staff["data"]["signInStaff"]["token"]
        me = gql("{ me { roles store { code } } }", token)
        assert me == {"data": {"me": {"roles": ["STORE_MANAGER"], "store": {"code": "SH-001"}}}}
        guide = gql('mutation { devSignIn(brand: "demo", subject: "guide-demo") { viewer { roles } } }')
        assert guide["data"]["devSignIn"]["viewer"]["roles"] == ["CONSUMER", "GUIDE"]
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "Traceback" not in output


def test_production_refuses_demo_data_and_missing_keys(cli_env: dict[str, str]) -> None:
    no_secret = run({**cli_env, "SCRM_MODE": "production"}, "migrate")
    assert no_secret.returncode == 2 and "SCRM_SECRET_KEY" in no_secret.stderr
    no_data_keys = run({**cli_env, "SCRM_MODE": "production", "SCRM_SECRET_KEY": "p" * 40}, "migrate")
    assert no_data_keys.returncode == 2 and "SCRM_DATA_KEYS" in no_data_keys.stderr
    no_item_keys = run(
        {**cli_env, "SCRM_MODE": "production", "SCRM_SECRET_KEY": "p" * 40, "SCRM_DATA_KEYS": TEST_DATA_KEYS}, "migrate"
    )
    assert no_item_keys.returncode == 2 and "SCRM_ITEM_CODE_KEYS" in no_item_keys.stderr
    prod = {
        **cli_env,
        "SCRM_MODE": "production",
        "SCRM_SECRET_KEY": "p" * 40,
        "SCRM_DATA_KEYS": TEST_DATA_KEYS,
        "SCRM_ITEM_CODE_KEYS": "1:" + "ab" * 32,
    }
    assert run(prod, "migrate").returncode == 0
    refused = run(prod, "seed-demo")
    assert refused.returncode == 1 and "refused" in refused.stderr


def test_points_expiry_and_the_invariant_checker(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "migrate").returncode == 0 and run(cli_env, "seed-demo").returncode == 0
    delivered = run(cli_env, "deliver-notifications", "--once")
    assert delivered.returncode == 0 and "delivered: {}" in delivered.stdout, delivered.stderr
    expired = run(cli_env, "expire-points")
    assert expired.returncode == 0 and "expired 0 points" in expired.stdout, expired.stderr
    clean = run(cli_env, "check-invariants")
    assert clean.returncode == 0 and "0 violation(s)" in clean.stdout, clean.stderr

    # A balance with no ledger behind it, as a bad manual fix would leave: the checker must say so.
    with sqlite3.connect(cli_env["DATABASE_URL"].removeprefix("sqlite://")) as db:
        member_id, brand_id = db.execute("SELECT id, brand_id FROM member LIMIT 1").fetchone()
        db.execute(
            "INSERT INTO points_account (brand_id, member_id, balance, debt, purchases) VALUES (?, ?, 5, 0, 0)",
            (brand_id, member_id),
        )
    dirty = run(cli_env, "check-invariants")
    assert dirty.returncode == 1 and "balance equals ledger" in dirty.stdout and "1 violation(s)" in dirty.stdout


def test_a_brand_created_from_the_command_line_has_its_credentials_sealed(cli_env: dict[str, str], tmp_path) -> None:
    assert run(cli_env, "migrate").returncode == 0
    credentials = {
        "SCRM_NEW_BRAND_WECHAT_SECRET": "wx-app-secret-4f1c",
        "SCRM_NEW_BRAND_LINE_CHANNEL_SECRET": "line-secret-9a2e",
        "SCRM_NEW_BRAND_LINE_CHANNEL_TOKEN": "line-token-77d0",
    }
    created = run(
        {**cli_env, **credentials},
        "create-brand",
        "--slug",
        "acme",
        "--name",
        "Acme Milk",
        "--wechat-appid",
        "wx123",
        "--line-channel-id",
        "1650000000",
    )
    assert created.returncode == 0 and "brand acme created" in created.stdout, created.stderr
    resealed = run(cli_env, "reseal-secrets")
    assert resealed.returncode == 0 and "credentials of 1 brand(s)" in resealed.stdout, resealed.stderr

    # Every byte the database keeps on disk (the file and any write-ahead log): no credential in clear.
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("scrm.sqlite3*"))
    assert b"acme" in on_disk and b"fernet:" in on_disk
    for secret in credentials.values():
        assert secret.encode() not in on_disk


def test_staff_accounts_change_without_sql(cli_env: dict[str, str]) -> None:
    assert run(cli_env, "migrate").returncode == 0 and run(cli_env, "seed-demo").returncode == 0
    env = {**cli_env, "NEW_PW": "a brand new password"}
    who = ["--brand", "demo", "--username", "hq-admin"]
    short = run({**cli_env, "NEW_PW": "short"}, "staff", "set-password", *who, "--password-env", "NEW_PW")
    assert short.returncode == 1 and "at least 10" in short.stderr
    steps = [
        ("set-password", "--password-env", "NEW_PW"),
        ("deactivate",),
        ("reactivate",),
        ("revoke-sessions",),
        ("unlock",),
    ]
    for action, *extra in steps:
        done = run(env, "staff", action, *who, *extra)
        assert done.returncode == 0 and done.stdout.startswith("hq-admin: "), (action, done.stderr)
    nobody = run(env, "staff", "deactivate", "--brand", "demo", "--username", "nobody")
    assert nobody.returncode == 1 and "no staff account" in nobody.stderr
    state = (
        sqlite3.connect(cli_env["DATABASE_URL"].removeprefix("sqlite://"))
        .execute("SELECT is_active, token_version, password_hash FROM staff_account WHERE username = 'hq-admin'")
        .fetchone()
    )
    # Four changes that end sessions (password, deactivate, reactivate, revoke) from version 1; the
    # new password verifies and the demo one does not.
    assert state[0] == 1 and state[1] == 5
    assert verify_password(state[2], "a brand new password") and not verify_password(state[2], "demo-password")


def test_version_and_help_for_every_option(cli_env) -> None:
    import argparse

    from server.cli import _parser

    done = run(cli_env, "--version")
    assert done.returncode == 0 and done.stdout.startswith("scrm ")

    def parsers(parser: argparse.ArgumentParser):  # type: ignore[no-untyped-def]
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from parsers(child)

    silent = [
        f"{p.prog} {'/'.join(a.option_strings)}"
        for p in parsers(_parser())
        for a in p._actions
        if a.option_strings and not a.help and a.dest != "help"
    ]
    assert silent == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgres://nobody:s3cret-pw@127.0.0.1:1/x", "Connect call failed"),
        ("postgres://nobody:s3cret-pw@127.0.0.1:5432/x", 'role "nobody" does not exist'),
        ("mysqlx://db.example/x", "Unknown DB scheme"),
        ("sqlite:///proc/no-such-dir/x.sqlite3", "unable to open database file"),
    ],
)
@pytest.mark.parametrize("command", ["migrate", "expire-points"])
def test_an_unusable_database_is_one_line_and_exit_3(cli_env, url, reason, command) -> None:
    done = run({**cli_env, "DATABASE_URL": url}, command)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("database error: cannot use the database at ")
    assert reason in lines[0] and "s3cret-pw" not in done.stderr and "Traceback" not in done.stderr


def test_brand_origins_are_set_from_the_command_line_and_recorded(cli_env) -> None:
    assert run(cli_env, "migrate").returncode == 0
    assert run(cli_env, "create-brand", "--slug", "acme", "--name", "Acme").returncode == 0
    done = run(
        cli_env,
        "brand",
        "set-origins",
        "--brand",
        "acme",
        "--origins",
        "https://liff.acme.example/,HTTPS://Shop.acme.example",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "acme: browsers may call from https://liff.acme.example, https://shop.acme.example"
    bad = run(cli_env, "brand", "set-origins", "--brand", "acme", "--origins", "http://evil.example")
    assert bad.returncode == 1 and bad.stderr.startswith("error: An origin is https://host")
    assert run(cli_env, "brand", "set-origins", "--brand", "nope", "--origins", "").returncode == 1
    path = cli_env["DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT setting, old_value, new_value, changed_by FROM brand_change").fetchall()
    assert rows == [("allowed_origins", "[]", '["https://liff.acme.example", "https://shop.acme.example"]', "cli")]


MINT = """
import asyncio, os
from tortoise import Tortoise
from foundation.tenancy.models import Brand
from loyalty.services import batches
from server.db import tortoise_config

async def main():
    await Tortoise.init(config=tortoise_config(os.environ["DATABASE_URL"]))
    try:
        brand = await Brand.get(slug="acme")
        made = await batches.create(brand_id=brand.id, key_id=1, sku="MILK", product_name="Milk", quantity=3,
                                    price_cents=100, points_per_item=1)
        print(made.id)
    finally:
        await Tortoise.close_connections()

asyncio.run(main())
"""


def test_codes_are_exported_only_once_the_brand_names_its_item_url(cli_env, tmp_path) -> None:
    assert run(cli_env, "migrate").returncode == 0
    assert run(cli_env, "create-brand", "--slug", "acme", "--name", "Acme").returncode == 0
    # No command creates a batch (HQ does it over GraphQL): a process of its own, so this test's
    # process keeps its own database connection.
    mint = subprocess.run(
        [sys.executable, "-c", MINT], env=cli_env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert mint.returncode == 0, mint.stderr
    batch_id = int(mint.stdout)
    out = tmp_path / "codes.csv"
    refused = run(cli_env, "export-codes", "--brand", "acme", "--batch", str(batch_id), "--output", str(out))
    assert refused.returncode == 1 and "Set the URL printed on cans" in refused.stderr and not out.exists()
    named = run(cli_env, "brand", "set-item-url", "--brand", "acme", "--url", "https://mp.acme.example/i")
    assert named.returncode == 0 and named.stdout.strip() == "acme: cans print https://mp.acme.example/i?i=<code>"
    # The batch's id as the API gives it works as well as its number; a foreign id names no batch.
    by_id = global_ids.encode("CodeBatch", batch_id)
    assert run(cli_env, "export-codes", "--brand", "acme", "--batch", by_id, "--output", str(out)).returncode == 0
    wrong = run(
        cli_env,
        "export-codes",
        "--brand",
        "acme",
        "--batch",
        global_ids.encode("Event", batch_id),
        "--output",
        str(out),
    )
    assert wrong.returncode == 1 and "is not a code batch id" in wrong.stderr
    assert [line.split(",")[1].split("?")[0] for line in out.read_text().splitlines()[1:]] == [
        "https://mp.acme.example/i"
    ] * 3


def test_regional_settings_templates_and_secrets_from_the_command_line(cli_env) -> None:
    assert run(cli_env, "migrate").returncode == 0
    assert run(cli_env, "create-brand", "--slug", "acme", "--name", "Acme").returncode == 0
    done = run(
        cli_env,
        "brand",
        "set",
        "--brand",
        "acme",
        "--time-zone",
        "Asia/Tokyo",
        "--locales",
        "ja,en",
        "--default-locale",
        "ja",
        "--currency",
        "JPY",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "acme: time zone Asia/Tokyo, locales ja,en (default ja), currency JPY, event links unset"
    )
    bad = run(cli_env, "brand", "set", "--brand", "acme", "--time-zone", "Asia/Atlantis")
    assert bad.returncode == 1 and bad.stderr.strip() == "error: Not an IANA time zone name (such as Asia/Shanghai)."
    template = run(
        cli_env,
        "brand",
        "set-template",
        "--brand",
        "acme",
        "--purpose",
        "event_reminder",
        "--template-id",
        "tplRemind_01",
    )
    assert template.returncode == 0 and template.stdout.strip() == "acme: event_reminder uses template tplRemind_01"
    unknown = run(
        cli_env, "brand", "set-template", "--brand", "acme", "--purpose", "birthday", "--template-id", "tpl12345"
    )
    assert unknown.returncode == 1 and "no purpose 'birthday'" in unknown.stderr
    secret = "0123456789abcdef0123456789abcdef"
    rotated = run(
        {**cli_env, "NEW_WX": secret}, "brand", "set-secrets", "--brand", "acme", "--wechat-secret-env", "NEW_WX"
    )
    assert rotated.returncode == 0 and rotated.stdout.strip() == "acme: replaced wechat_secret"
    assert secret not in rotated.stdout + rotated.stderr
    unset = run(cli_env, "brand", "set-secrets", "--brand", "acme", "--line-token-env", "NOT_SET_ANYWHERE")
    assert unset.returncode == 1 and "NOT_SET_ANYWHERE is not set" in unset.stderr
    path = cli_env["DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT setting, old_value, new_value, changed_by FROM brand_change ORDER BY id").fetchall()
        stored = db.execute("SELECT wechat_secret FROM brand").fetchone()[0]
    assert sorted(rows) == [
        ("currency", "CNY", "JPY", "cli"),
        ("default_locale", "zh-Hans", "ja", "cli"),
        ("locales", "zh-Hans", "ja,en", "cli"),
        ("time_zone", "Asia/Shanghai", "Asia/Tokyo", "cli"),
        ("wechat_secret", None, "(changed)", "cli"),
        ("wechat_template:event_reminder", None, "tplRemind_01", "cli"),
    ]
    assert secret not in stored


def test_orders_are_imported_from_a_csv_with_refusals_by_line(cli_env, tmp_path) -> None:
    assert run(cli_env, "migrate").returncode == 0
    assert run(cli_env, "create-brand", "--slug", "acme", "--name", "Acme").returncode == 0
    mint = subprocess.run(
        [sys.executable, "-c", MINT], env=cli_env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert mint.returncode == 0, mint.stderr
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_number,ordered_at,sku,quantity,price,phone\n"
        "T-1,2026-05-01T10:00:00+08:00,MILK,2,1.00,+8613800001111\n"
        "T-2,2026-05-01T10:00:00+08:00,NOPE,1,1.00,\n"
        "T-3,2026-05-01 10:00,MILK,1,1.00,\n",
        encoding="utf-8-sig",
    )
    first = run(cli_env, "import-orders", str(orders), "--brand", "acme")
    assert first.returncode == 1, first.stderr
    assert "2 orders checked, 1 imported (0 matched, 1 waiting for their member), 0 seen before, 2 refused" in (
        first.stdout
    )
    assert "line 3: SKU_UNKNOWN: Unknown SKU: NOPE." in first.stderr
    assert "line 4: ORDER_INVALID: The order time lacks its UTC offset" in first.stderr
    assert "importing" in first.stderr  # the progress bar

    local = run(cli_env, "import-orders", str(orders), "--brand", "acme", "--local-times")
    assert "1 imported" in local.stdout and "1 seen before" in local.stdout and "1 refused" in local.stdout
    strict = run(cli_env, "import-orders", str(orders), "--brand", "acme", "--all-or-nothing")
    assert strict.returncode == 1 and "nothing imported: 2 rows refused" in strict.stdout
    path = cli_env["DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT order_number FROM imported_order ORDER BY id").fetchall() == [("T-1",), ("T-3",)]

    assert run(cli_env, "match-orders").stdout.strip() == "matched 0 waiting orders"
    orders.write_bytes(
        "order_number,ordered_at,sku,quantity,price\nT-9,2026-05-01T10:00:00Z,MILK,1,1\n".encode("utf-16")
    )
    unreadable = run(cli_env, "import-orders", str(orders), "--brand", "acme")
    assert unreadable.returncode == 1 and "not utf-8-sig text (try --encoding gb18030)" in unreadable.stderr
    gb = tmp_path / "gb.csv"
    gb.write_bytes(
        "order_number,ordered_at,sku,quantity,price,channel\nG-1,2026-05-01T10:00:00Z,MILK,1,1,天猫\n".encode("gb18030")
    )
    assert run(cli_env, "import-orders", str(gb), "--brand", "acme", "--encoding", "gb18030").returncode == 0
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT channel FROM imported_order WHERE order_number = 'G-1'").fetchall() == [("天猫",)]
