"""`scrm brand ...`: change a brand's settings without SQL; each change is recorded (by "cli")."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from foundation.settings import Settings
from server.cli_support import Refused, with_db


def add_brand_commands(sub: Any) -> None:
    brand = sub.add_parser("brand", help="change a brand's settings: set-origins")
    actions = brand.add_subparsers(required=True, metavar="ACTION")
    origins = actions.add_parser(
        "set-origins", help="set the web origins whose pages may call the API from a browser (a LIFF app)"
    )
    origins.add_argument("--brand", required=True, help="brand slug")
    origins.add_argument(
        "--origins",
        required=True,
        help="comma-separated, e.g. https://liff.acme.example,https://shop.acme.example; empty for none",
    )
    origins.set_defaults(run=_set_origins)


def _set_origins(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import origins, service as brands
    from foundation.tenancy.errors import TenancyError

    async def run() -> Any:
        brand = await brands.get_by_slug(args.brand)
        if brand is None:
            raise Refused(f"no brand {args.brand!r}")
        listed = [o for o in args.origins.split(",") if o.strip()]
        try:
            return await origins.set_allowed(brand_id=brand.id, origins=listed, changed_by="cli", now=datetime.now(UTC))
        except TenancyError as exc:
            raise Refused(exc.message) from None

    brand = with_db(settings, run)
    print(f"{brand.slug}: browsers may call from " + (", ".join(brand.allowed_origins or []) or "no origin"))
