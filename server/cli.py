"""The `scrm` command: serve, migrate, seed demo data, manage brands and staff, export the schema."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from foundation import global_ids
from foundation.settings import Settings, SettingsError
from server.cli_brand import add_brand_commands
from server.cli_orders import add_order_commands
from server.cli_staff import add_staff_commands
from server.cli_support import DatabaseUnavailable, Refused, check_database, with_db


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        return args.run(settings, args) or 0
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(f"database error: {exc}", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrm",
        description="Social-CRM backend for retail brands.",
        epilog="Exit status: 0 done, 1 refused (the message says why), 2 configuration error, "
        "3 the database cannot be reached or opened.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the HTTP server")
    _serve_args(serve)
    serve.set_defaults(run=_serve)

    dev = sub.add_parser("dev", help="development: migrate, seed demo data, serve with GraphiQL")
    _serve_args(dev)
    dev.set_defaults(run=_dev)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)
    sub.add_parser("seed-demo", help="create the demo brand, store and accounts").set_defaults(run=_seed_demo)

    brand = sub.add_parser("create-brand", help="create a brand (tenant)")
    brand.add_argument("--slug", required=True, help="the brand's short name, used to sign in (lower case)")
    brand.add_argument("--name", required=True, help="the brand's display name")
    brand.add_argument("--wechat-appid", help="the WeChat mini-program's AppID")
    brand.add_argument("--line-channel-id", help="the LINE Login channel id")
    brand.set_defaults(run=_create_brand)

    staff = sub.add_parser("create-staff", help="create an HQ or store-manager account")
    staff.add_argument("--brand", required=True, help="brand slug")
    staff.add_argument("--username", required=True, help="the account's sign-in name")
    staff.add_argument("--role", choices=["hq", "store_manager"], default="hq", help="default: %(default)s")
    staff.add_argument("--store-code", help="required for a store manager")
    staff.add_argument("--password-env", help="read the password from this environment variable, not a prompt")
    staff.set_defaults(run=_create_staff)
    add_staff_commands(sub)
    add_brand_commands(sub)
    add_order_commands(sub)

    codes = sub.add_parser("export-codes", help="write a code batch's printer CSV (code, url)")
    codes.add_argument("--brand", required=True, help="brand slug")
    codes.add_argument("--batch", required=True, help="the batch's id (as the API gives it) or its number")
    codes.add_argument("--output", required=True, help="file to write")
    codes.set_defaults(run=_export_codes)

    expire = sub.add_parser("expire-points", help="expire points past their date (run daily, e.g. from cron)")
    expire.add_argument("--brand", help="brand slug (default: every brand)")
    expire.set_defaults(run=_expire_points)

    refresh = sub.add_parser(
        "refresh-insight",
        help="rebuild the tables the member-level reports read on PostgreSQL (cron, e.g. every 15 minutes; "
        "the reports say when it last ran)",
    )
    refresh.add_argument("--brand", help="brand slug (default: every brand)")
    refresh.set_defaults(run=_refresh_insight)

    sub.add_parser(
        "queue-event-reminders", help="queue reminders for events starting within 24 hours (run hourly)"
    ).set_defaults(run=_queue_event_reminders)

    deliver = sub.add_parser(
        "deliver-notifications", help="run the outbox worker (WeChat subscribe messages, LINE push)"
    )
    deliver.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    deliver.add_argument("--interval", type=float, default=5.0, help="seconds between polls when idle")
    deliver.set_defaults(run=_deliver_notifications)
    sub.add_parser(
        "run-journeys", help="enter members whose journey trigger occurred and run due steps (cron; safe to repeat)"
    ).set_defaults(run=_run_journeys)

    sub.add_parser(
        "check-invariants",
        help="verify claims, ledger, coupons, rewards, event seats and outbox; exit 1 on any violation",
    ).set_defaults(run=_check_invariants)

    sub.add_parser(
        "reseal-secrets", help="seal brand credentials under the first SCRM_DATA_KEYS key (key rotation)"
    ).set_defaults(run=_reseal_secrets)

    export = sub.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("--output", default="schema.graphql", help="file to write (default: %(default)s)")
    export.set_defaults(run=_export_schema)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scrm")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default: %(default)s)")
    parser.add_argument("--reload", action="store_true", help="restart when the code changes (development)")


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    check_database(settings)  # one line and exit 3, not a traceback from every worker
    if settings.operations_file:
        from server.persisted_queries import load_manifest

        load_manifest(settings.operations_file)  # a bad manifest is a configuration error (exit 2)

    from foundation.logs import logging_config

    workers = None if args.reload else args.workers
    if workers and workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker counts into files here, so /metrics on any worker reports all of them.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="scrm-metrics-")
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=workers,
        reload=args.reload,
        proxy_headers=True,
        access_log=False,
        log_config=logging_config(),
    )


def _dev(settings: Settings, args: argparse.Namespace) -> None:
    if not settings.is_development:
        raise Refused("`scrm dev` is for development mode only; use `scrm migrate` and `scrm serve`")
    _migrate(settings, args)
    _seed_demo(settings, args)
    print(f"GraphiQL: http://{args.host}:{args.port}/graphql")
    _serve(settings, args)


def _migrate(settings: Settings, args: argparse.Namespace) -> None:
    from server.migrate import migrate

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            print(f"applied {app_label}.{name}")

    check_database(settings)
    asyncio.run(migrate(settings.database_url, progress=progress))
    print("database is up to date")


def _seed_demo(settings: Settings, args: argparse.Namespace) -> None:
    if not settings.is_development:
        raise Refused("demo data (with a known password) is refused outside development mode")
    from server import demo

    result = with_db(settings, demo.seed)
    if result.created:
        print(f"demo brand '{demo.DEMO_BRAND}' created")
    print(
        f'sign in as HQ: signInStaff(brand: "{demo.DEMO_BRAND}", username: "{demo.DEMO_HQ_USER}", '
        f'password: "{demo.DEMO_HQ_PASSWORD}"); as a consumer: devSignIn(brand: "{demo.DEMO_BRAND}", '
        'subject: "any-name"); as a guide: subject "guide-demo"; as a manager: "manager-demo"'
    )


def _create_brand(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import service as brands

    # Credentials come from the environment, never the command line (shell history, ps).
    wechat = os.environ.get("SCRM_NEW_BRAND_WECHAT_SECRET") if args.wechat_appid else None
    line = args.line_channel_id is not None

    async def run() -> Any:
        return await brands.create(
            slug=args.slug,
            name=args.name,
            wechat_appid=args.wechat_appid,
            wechat_secret=wechat,
            line_channel_id=args.line_channel_id,
            line_channel_secret=os.environ.get("SCRM_NEW_BRAND_LINE_CHANNEL_SECRET") if line else None,
            line_channel_access_token=os.environ.get("SCRM_NEW_BRAND_LINE_CHANNEL_TOKEN") if line else None,
        )

    try:
        brand = with_db(settings, run)
    except brands.BrandError as exc:
        raise Refused(str(exc)) from None
    print(f"brand {brand.slug} created (id {brand.id})")


def _create_staff(settings: Settings, args: argparse.Namespace) -> None:
    from access import staff
    from access.models import StaffRole
    from foundation.tenancy import service as brands
    from referral.models import Store

    password = os.environ.get(args.password_env, "") if args.password_env else getpass.getpass("password: ")

    async def run() -> Any:
        brand = await brands.get_by_slug(args.brand)
        if brand is None:
            raise Refused(f"no brand {args.brand!r}")
        store_id = None
        if args.store_code:
            store = await Store.get_or_none(brand_id=brand.id, code=args.store_code)
            if store is None:
                raise Refused(f"no store {args.store_code!r} in brand {args.brand!r}")
            store_id = store.id
        return await staff.create(
            brand_id=brand.id,
            username=args.username,
            password=password,
            role=StaffRole(args.role),
            store_id=store_id,
        )

    try:
        account = with_db(settings, run)
    except staff.StaffError as exc:
        raise Refused(str(exc)) from None
    print(f"staff account {account.username} ({account.role}) created")


def _batch_key(value: str) -> int:
    key = global_ids.key_of(value, "CodeBatch")
    if key is None:
        raise Refused(f"{value!r} is not a code batch id")
    return key


def _export_codes(settings: Settings, args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from foundation.tenancy import service as brands
    from loyalty.errors import LoyaltyError
    from loyalty.services import batches, policy as policies

    async def run() -> int:
        brand = await brands.get_by_slug(args.brand)
        if brand is None:
            raise Refused(f"no brand {args.brand!r}")
        try:
            batch = await batches.get(brand_id=brand.id, batch_id=_batch_key(args.batch))
        except LoyaltyError as exc:
            raise Refused(exc.message) from None
        key = settings.item_keyring.key(batch.key_id)
        if key is None:
            raise Refused(f"key {batch.key_id} of this batch is not in SCRM_ITEM_CODE_KEYS")
        policy = await policies.get(brand_id=brand.id)
        try:
            policies.require_printable(policy)
        except LoyaltyError as exc:
            raise Refused(f"{exc.message} (scrm brand set-item-url)") from None
        with (
            open(args.output, "w", encoding="utf-8", newline="") as out,
            tqdm(total=batch.quantity, unit="code", unit_scale=True, desc=f"batch {batch.id}") as bar,
        ):
            for chunk in batches.csv_chunks(batch, policy, key, progress=bar.update):
                out.write(chunk)
        return batch.quantity

    count = with_db(settings, run)
    print(f"wrote {count:,} codes to {args.output}")


def _expire_points(settings: Settings, args: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    from foundation.tenancy import service as brands
    from loyalty.services import points

    async def run() -> int:
        brand_id = None
        if args.brand:
            brand = await brands.get_by_slug(args.brand)
            if brand is None:
                raise Refused(f"no brand {args.brand!r}")
            brand_id = brand.id
        return await points.expire_all(now=datetime.now(UTC), brand_id=brand_id)

    print(f"expired {with_db(settings, run):,} points")


def _refresh_insight(settings: Settings, args: argparse.Namespace) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from foundation.tenancy import regional
    from foundation.tenancy.models import Brand
    from insight import cohorts, snapshot

    async def run() -> list[str]:
        if not snapshot.postgres():
            return ["SQLite: the reports read the touches directly; nothing to refresh"]
        # The columns it needs only: a brand's sealed credentials are not opened for a report.
        chosen = Brand.filter(slug=args.brand) if args.brand else Brand.all()
        found = await chosen.order_by("id").values_list("id", "slug", "time_zone")
        if args.brand and not found:
            raise Refused(f"no brand {args.brand!r}")
        done = []
        for brand_id, slug, zone in found:
            made = await snapshot.refresh(
                brand_id=brand_id,
                zone=ZoneInfo(zone or regional.DEFAULT_TIME_ZONE),
                now=datetime.now(UTC),
                max_since=cohorts.MAX_SINCE,
            )
            if made is not None:  # always, on PostgreSQL
                done.append(f"{slug}: {made.buyers:,} buyers in {made.took_ms:,} ms")
        await snapshot.tidy()
        return done

    for line in with_db(settings, run):
        print(line)


def _queue_event_reminders(settings: Settings, args: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    from events.services import reminders

    considered = with_db(settings, lambda: reminders.queue(now=datetime.now(UTC)))
    print(f"reminders considered for {considered} sign-ups (each is queued once)")


def _run_journeys(settings: Settings, args: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    from reach import journeys

    done = with_db(settings, lambda: journeys.run(now=datetime.now(UTC)))
    print(f"journeys: {dict(done) or 'nothing due'}")


def _deliver_notifications(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.integrations.clients import open_integrations
    from referral.models import MessageChannel
    from server.notifications import Deliverer

    async def run() -> dict[str, int]:
        async with open_integrations(settings) as integrations:
            rates = {MessageChannel.LINE: settings.outbox_rate_line, MessageChannel.WECHAT: settings.outbox_rate_wechat}
            deliverer = Deliverer(integrations, rates=rates)
            if args.once:
                return dict(await deliverer.run_once(limit=500))
            await deliverer.run_forever(interval_s=args.interval)
            return {}

    print(f"delivered: {with_db(settings, run)}")


def _check_invariants(settings: Settings, args: argparse.Namespace) -> int:
    from server import invariants

    found = with_db(settings, invariants.violations)
    for line in found:
        print(line)
    print(f"{len(found)} violation(s)")
    return 1 if found else 0


def _reseal_secrets(settings: Settings, args: argparse.Namespace) -> None:
    from foundation.tenancy import service

    print(f"credentials of {with_db(settings, service.reseal_credentials)} brand(s) sealed under the first key")


def _export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from schema.root import schema

    Path(args.output).write_text(schema.as_str() + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
