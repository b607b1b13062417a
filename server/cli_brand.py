"""`scrm brand ...`: change a brand's settings without SQL; each change is recorded (by "cli")."""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from foundation.settings import Settings
from server.cli_support import Refused, with_db


def add_brand_commands(sub: Any) -> None:
    brand = sub.add_parser(
        "brand", help="change a brand's settings: set, set-origins, set-item-url, set-template, set-secrets"
    )
    actions = brand.add_subparsers(required=True, metavar="ACTION")
    regional = actions.add_parser("set", help="set the time zone, locales, currency or event link base")
    regional.add_argument("--brand", required=True, help="brand slug")
    regional.add_argument("--time-zone", help="IANA name, e.g. Asia/Shanghai or Asia/Tokyo")
    regional.add_argument("--locales", help="comma-separated, any of zh-Hans,zh-Hant,ja,en")
    regional.add_argument("--default-locale", help="one of the locales offered")
    regional.add_argument("--currency", help="ISO 4217 code, e.g. CNY, TWD, JPY")
    regional.add_argument("--event-link-base", help="https URL event links start with (a LIFF URL); empty to unset")
    regional.set_defaults(run=_set_regional)
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
    journey = actions.add_parser(
        "install-journey", help="save journeys from JSON files (reach/reference_journeys/ holds the reference ones)"
    )
    journey.add_argument("--brand", required=True, help="brand slug")
    journey.add_argument("files", nargs="+", help="journey files: {name, trigger, steps}")
    journey.set_defaults(run=_install_journey)
    template = actions.add_parser("set-template", help="name the WeChat subscribe-message template of a purpose")
    template.add_argument("--brand", required=True, help="brand slug")
    template.add_argument(
        "--purpose", required=True, help="event_cancelled, waitlist_promoted, coupon_issued or event_reminder"
    )
    template.add_argument("--template-id", required=True, help="from the mini-program console; empty to stop")
    template.set_defaults(run=_set_template)
    secrets = actions.add_parser(
        "set-secrets",
        help="replace WeChat or LINE secrets after rotating them (read from environment variables, never argv)",
    )
    secrets.add_argument("--brand", required=True, help="brand slug")
    secrets.add_argument("--wechat-secret-env", metavar="VAR", help="variable holding the new WeChat AppSecret")
    secrets.add_argument("--line-secret-env", metavar="VAR", help="variable holding the new LINE channel secret")
    secrets.add_argument("--line-token-env", metavar="VAR", help="variable holding the new LINE access token")
    secrets.add_argument("--wechat-push-token-env", metavar="VAR", help="variable holding the message-push Token")
    secrets.add_argument("--wechat-aes-key-env", metavar="VAR", help="variable holding the EncodingAESKey")
    secrets.set_defaults(run=_set_secrets)


def _on_brand(settings: Settings, slug: str, change: Callable[[int], Awaitable[Any]]) -> Any:
    """Run `change(brand_id)` on the brand named by `slug`; a refusal is one line, exit 1."""
    from foundation.tenancy import service as brands
    from foundation.tenancy.errors import TenancyError
    from loyalty.errors import LoyaltyError
    from reach.errors import ReachError
    from referral.errors import ReferralError

    async def run() -> Any:
        brand = await brands.get_by_slug(slug)
        if brand is None:
            raise Refused(f"no brand {slug!r}")
        try:
            return await change(brand.id)
        except (TenancyError, LoyaltyError, ReferralError, ReachError) as exc:
            raise Refused(exc.message) from None

    return with_db(settings, run)


def _now() -> datetime:
    return datetime.now(UTC)


def _set_regional(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import regional

    wanted = regional.Change(
        time_zone=args.time_zone,
        locales=[x.strip() for x in args.locales.split(",") if x.strip()] if args.locales is not None else None,
        default_locale=args.default_locale,
        currency=args.currency,
        event_link_base=args.event_link_base,
    )
    brand = _on_brand(
        settings,
        args.brand,
        lambda brand_id: regional.change(brand_id=brand_id, wanted=wanted, changed_by="cli", now=_now()),
    )
    now = regional.of(brand)
    print(
        f"{brand.slug}: time zone {now.time_zone}, locales {','.join(now.locales)} (default {now.default_locale}), "
        f"currency {now.currency}, event links {now.event_link_base or 'unset'}"
    )


def _set_origins(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import origins

    listed = [o for o in args.origins.split(",") if o.strip()]
    brand = _on_brand(
        settings,
        args.brand,
        lambda brand_id: origins.set_allowed(brand_id=brand_id, origins=listed, changed_by="cli", now=_now()),
    )
    print(f"{brand.slug}: browsers may call from " + (", ".join(brand.allowed_origins or []) or "no origin"))


def _install_journey(settings: Settings, args: argparse.Namespace) -> None:
    import json

    from reach import journeys

    for path in args.files:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict) or "name" not in data:
            raise Refused(f'{path}: a journey file is {{"name", "trigger", "steps"}}')
        definition = {"trigger": data.get("trigger"), "steps": data.get("steps")}
        row = _on_brand(
            settings,
            args.brand,
            lambda brand_id, name=data["name"], definition=definition: journeys.save(
                brand_id=brand_id, name=str(name), definition=definition, active=True, created_by="cli", now=_now()
            ),
        )
        print(f"{args.brand}: journey {row.name!r} saved (id {row.id}), on from now")


def _set_item_url(settings: Settings, args: argparse.Namespace) -> None:
    from loyalty.services import policy

    row = _on_brand(
        settings,
        args.brand,
        lambda brand_id: policy.set_item_url_base(brand_id=brand_id, url=args.url, changed_by="cli", now=_now()),
    )
    print(f"{args.brand}: cans print {row.item_url_base}?i=<code>")


def _set_template(settings: Settings, args: argparse.Namespace) -> None:
    from referral.models import MessageKind
    from referral.services import templates

    if args.purpose not in {kind.value for kind in MessageKind}:
        raise Refused(f"no purpose {args.purpose!r}: " + ", ".join(kind.value for kind in MessageKind))
    brand = _on_brand(
        settings,
        args.brand,
        lambda brand_id: templates.set_template(
            brand_id=brand_id,
            purpose=MessageKind(args.purpose),
            template_id=args.template_id or None,
            changed_by="cli",
            now=_now(),
        ),
    )
    print(f"{brand.slug}: {args.purpose} uses template {(brand.wechat_templates or {}).get(args.purpose, 'none')}")


def _set_secrets(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import credentials

    given: dict[str, str] = {}
    for field, var in (
        ("wechat_secret", args.wechat_secret_env),
        ("line_channel_secret", args.line_secret_env),
        ("line_channel_access_token", args.line_token_env),
        ("wechat_callback_token", args.wechat_push_token_env),
        ("wechat_aes_key", args.wechat_aes_key_env),
    ):
        if var is not None:
            if not os.environ.get(var):
                raise Refused(f"environment variable {var} is not set")
            given[field] = os.environ[var]
    if not given:
        raise Refused("name at least one of the --...-env options (scrm brand set-secrets --help)")
    brand = _on_brand(
        settings,
        args.brand,
        lambda brand_id: credentials.replace(
            brand_id=brand_id, secrets=credentials.Secrets(**given), changed_by="cli", now=_now()
        ),
    )
    print(f"{brand.slug}: replaced {', '.join(sorted(given))}")
