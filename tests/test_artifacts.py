"""Generated artifacts checked into the repo must match the code that generates them."""

from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector

from schema.root import schema
from server.db import tortoise_config

ROOT = Path(__file__).resolve().parent.parent


def test_schema_graphql_is_up_to_date() -> None:
    checked_in = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == schema.as_str() + "\n", "schema.graphql is stale: run `scrm export-schema`"


async def test_migrations_cover_every_model_change(database) -> None:
    config = tortoise_config(database)
    apps = {label: dict(app) for label, app in config["apps"].items()}
    detector = MigrationAutodetector(Tortoise.apps, apps)
    writers = await detector.changes()
    pending = [f"{w.app_label}.{w.name}" for w in writers]
    assert pending == [], (
        f"models changed without a migration: run `tortoise -c server.db.TORTOISE_ORM makemigrations` ({pending})"
    )
