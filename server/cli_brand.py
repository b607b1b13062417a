"""`scrm brand ...`: change a brand's settings without SQL; each change is recorded (by "cli")."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from foundation.settings import Settings
from server.cli_support import Refused, with_db


def add_brand_commands(sub: Any) -> None:
    brand = sub.add_parser("brand", help="change a brand's settings: set-origins, set-item-url")
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
    item_url = actions.add_parser(
        "set-item-url", help="set the URL printed on cans (code exports are refused until it is set)"
    )
    item_url.add_argument("--brand", required=True, help="brand slug")
    item_url.add_argument("--url", required=True, help="https, without ? or #; each code adds ?i=<code>")
    item_url.set_defaults(run=_set_item_url)


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


def _set_item_url(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import service as brands
    from loyalty.errors import LoyaltyError
    from loyalty.services import policy

    async def run() -> Any:
        brand = await brands.get_by_slug(args.brand)
        if brand is None:
            raise Refused(f"no brand {args.brand!r}")
        try:
            return await policy.set_item_url_base(
                brand_id=brand.id, url=args.url, changed_by="cli", now=datetime.now(UTC)
            )
        except LoyaltyError as exc:
            raise Refused(exc.message) from None

    row = with_db(settings, run)
    print(f"{args.brand}: cans print {row.item_url_base}?i=<code>")
