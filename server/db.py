"""Tortoise configuration: one database, one app per package that owns tables."""

from __future__ import annotations

from typing import Any

# App label -> model modules. Each app's migrations live in "<package>.migrations".
# Kept acyclic (referral -> tenancy; auth, loyalty and events -> referral) so migrations apply in one order.
APPS: dict[str, tuple[list[str], str]] = {
    "tenancy": (["server.tenancy.models"], "server.tenancy.migrations"),
    "referral": (["referral.models"], "referral.migrations"),
    "auth": (["server.auth.models"], "server.auth.migrations"),
    "loyalty": (["loyalty.models"], "loyalty.migrations"),
    "events": (["events.models"], "events.migrations"),
}


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            label: {"models": models, "migrations": migrations, "default_connection": "default"}
            for label, (models, migrations) in APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # `tortoise -c server.db.TORTOISE_ORM makemigrations` reads this; built on access so that
    # importing this module never reads (or fails on) the environment.
    if name == "TORTOISE_ORM":
        from server.settings import Settings

        return tortoise_config(Settings.from_env().database_url)
    raise AttributeError(name)
