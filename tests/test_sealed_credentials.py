"""Brand credentials (WeChat app secret, LINE channel secret and token) are sealed at rest: the
database holds no credential in clear, keys rotate, and credentials stored before sealing are
sealed by the migration that introduced it."""

import base64
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from tortoise import connections

from foundation.tenancy import sealing
from foundation.tenancy.models import Brand
from foundation.tenancy.sealing import SealingError, Vault
from foundation.tenancy.service import reseal_credentials
from tests import factories
from tests.conftest import BACKENDS, TEST_DATA_KEYS, _create_pg_database, _drop_pg_database

OLD_KEY, NEW_KEY = (base64.urlsafe_b64encode(c * 32).decode() for c in (b"o", b"n"))


async def stored(brand_id: int) -> dict:
    """The row as the database holds it, past the model."""
    [row] = await connections.get("default").execute_query_dict(
        "SELECT wechat_secret, line_channel_secret, line_channel_access_token FROM brand WHERE id = "
        + str(int(brand_id))
    )
    return row


@pytest.fixture
def keys() -> Iterator[None]:
    """Lets a test switch this process's keys; puts the suite's back afterwards."""
    yield
    sealing.use(Vault.parse(TEST_DATA_KEYS))


async def test_the_database_holds_no_credential_in_clear(db) -> None:
    brand = await factories.brand("acme")
    brand.line_channel_secret, brand.line_channel_access_token = "line-secret-1", "line-token-1"
    await brand.save()

    row = await stored(brand.id)
    assert all(value.startswith("fernet:") for value in row.values()), row
    for clear, column in (
        ("secret-acme", "wechat_secret"),
        ("line-secret-1", "line_channel_secret"),
        ("line-token-1", "line_channel_access_token"),
    ):
        assert clear not in row[column]
    # Sealed twice, the same secret reads differently (no equal ciphertexts to compare across brands).
    other = await factories.brand("other")
    other.wechat_secret = "secret-acme"
    await other.save()
    assert (await stored(other.id))["wechat_secret"] != row["wechat_secret"]

    fresh = await Brand.get(id=brand.id)
    assert (fresh.wechat_secret, fresh.line_channel_secret, fresh.line_channel_access_token) == (
        "secret-acme",
        "line-secret-1",
        "line-token-1",
    )
    assert (await Brand.get(id=other.id)).wechat_secret == "secret-acme"


async def test_keys_rotate_without_losing_a_credential(db, keys) -> None:
    sealing.use(Vault.parse(OLD_KEY))
    brand = await factories.brand("acme")
    sealed_old = (await stored(brand.id))["wechat_secret"]

    # The new key goes first; the old one stays listed until everything is resealed.
    sealing.use(Vault.parse(f"{NEW_KEY},{OLD_KEY}"))
    assert (await Brand.get(id=brand.id)).wechat_secret == "secret-acme"
    assert await reseal_credentials() == 1
    sealed_new = (await stored(brand.id))["wechat_secret"]
    assert sealed_new != sealed_old
    assert Vault.parse(NEW_KEY).open(sealed_new) == "secret-acme"
    with pytest.raises(SealingError):
        Vault.parse(OLD_KEY).open(sealed_new)

    # The old key dropped: everything still opens.
    sealing.use(Vault.parse(NEW_KEY))
    assert (await Brand.get(id=brand.id)).wechat_secret == "secret-acme"


async def test_a_credential_under_an_unknown_key_fails_loudly_and_says_nothing_of_it(db, keys) -> None:
    sealing.use(Vault.parse(OLD_KEY))
    brand = await factories.brand("acme")
    sealing.use(Vault.parse(NEW_KEY))
    with pytest.raises(SealingError) as err:
        await Brand.get(id=brand.id)
    assert "SCRM_DATA_KEYS" in str(err.value) and "fernet" not in str(err.value)


async def test_a_credential_stored_in_clear_reads_as_it_is_until_resealed(db) -> None:
    brand = await factories.brand("acme", wechat=False)
    await connections.get("default").execute_query(
        f"UPDATE brand SET wechat_secret = 'legacy-secret' WHERE id = {int(brand.id)}"
    )
    assert (await Brand.get(id=brand.id)).wechat_secret == "legacy-secret"
    await reseal_credentials()
    assert (await stored(brand.id))["wechat_secret"].startswith("fernet:")
    assert (await Brand.get(id=brand.id)).wechat_secret == "legacy-secret"


MIGRATE = """
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate
from server.db import tortoise_config

async def main(url: str, target: str) -> None:
    try:
        await migrate(config=tortoise_config(url), target=target or None)
    finally:
        await Tortoise.close_connections()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def migrate_to(url: str, target: str = "") -> None:
    """In a process of its own: migrating re-initialises tortoise, which this process's tests use."""
    env = {"PATH": "/usr/bin:/bin", "SCRM_MODE": "test", "SCRM_DATA_KEYS": TEST_DATA_KEYS}
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE, url, target],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


class RawDatabase:
    """Plain SQL on a scratch database, in whichever engine the test runs on."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def run(self, sql: str) -> list[tuple]:
        if self.url.startswith("sqlite://"):
            with sqlite3.connect(self.url.removeprefix("sqlite://")) as db:
                return db.execute(sql).fetchall()
        conn = await asyncpg.connect(self.url.split("?")[0].replace("postgres://", "postgresql://", 1))
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()


@pytest.mark.parametrize("engine", BACKENDS)
async def test_upgrading_seals_credentials_stored_before_and_keeps_every_row(engine, tmp_path) -> None:
    pg_name = None
    if engine == "sqlite":
        url = f"sqlite://{tmp_path}/upgrade.sqlite3"
    else:
        pg_name, url = await _create_pg_database()
    try:
        # A database as the previous release left it: tenancy before sealing, credentials in clear,
        # and rows in other tables pointing at the brand (SQLite must not rebuild the brand table).
        migrate_to(url)
        migrate_to(url, "tenancy.0002_wechat_templates")
        raw = RawDatabase(url)
        await raw.run(
            "INSERT INTO brand (slug, name, wechat_secret, line_channel_access_token, created_at) "
            "VALUES ('acme', 'Acme', 'clear-secret', 'clear-token', CURRENT_TIMESTAMP)"
        )
        await raw.run(
            "INSERT INTO store (brand_id, code, name, is_active, created_at) "
            "SELECT id, 'S1', 'Store', TRUE, CURRENT_TIMESTAMP FROM brand"
        )

        migrate_to(url)

        [(secret, token, channel_secret)] = await raw.run(
            "SELECT wechat_secret, line_channel_access_token, line_channel_secret FROM brand"
        )
        vault = Vault.parse(TEST_DATA_KEYS)
        assert secret.startswith("fernet:") and token.startswith("fernet:") and channel_secret is None
        assert (vault.open(secret), vault.open(token)) == ("clear-secret", "clear-token")
        assert await raw.run("SELECT code FROM store") == [("S1",)]
    finally:
        if pg_name:
            await _drop_pg_database(pg_name)
