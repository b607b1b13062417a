"""`scrm staff ...`: change a staff account without SQL (set-password, deactivate, reactivate,
revoke-sessions, unlock). Each change but unlock ends the account's open sessions on every worker."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from foundation.settings import Settings
from server.cli_support import Refused, with_db

ACTIONS = {
    "set-password": "set a new password (prompted, or --password-env); signs the person out everywhere",
    "deactivate": "the person can no longer sign in; open sessions end",
    "reactivate": "the person may sign in again",
    "revoke-sessions": "sign the person out everywhere",
    "unlock": "clear the failed sign-ins that locked the account (shared counters need REDIS_URL)",
}


def add_staff_commands(sub: Any) -> None:
    staff = sub.add_parser("staff", help="change a staff account: " + ", ".join(ACTIONS))
    actions = staff.add_subparsers(required=True, metavar="ACTION")
    for action, help_text in ACTIONS.items():
        parser = actions.add_parser(action, help=help_text)
        parser.add_argument("--brand", required=True, help="brand slug")
        parser.add_argument("--username", required=True, help="the account's sign-in name")
        if action == "set-password":
            parser.add_argument("--password-env", help="read the password from this environment variable, not a prompt")
        parser.set_defaults(run=_run, action=action)


def _run(settings: Settings, args: argparse.Namespace) -> None:
    from access import staff
    from foundation.ratelimit import open_limiter
    from foundation.tenancy import service as brands

    password = None
    if args.action == "set-password":
        password = os.environ.get(args.password_env, "") if args.password_env else getpass.getpass("new password: ")

    async def run() -> str:
        brand = await brands.get_by_slug(args.brand)
        if brand is None:
            raise Refused(f"no brand {args.brand!r}")
        account = await staff.find(brand_id=brand.id, username=args.username)
        if args.action == "unlock":
            limiter, redis = open_limiter(settings.rate_limits, settings.redis_url, settings.signing_key("rate-limits"))
            try:
                # The subject sign-in counts under (server/throttles.by_account).
                await limiter.clear("sign-in.account", f"{brand.slug}/{account.username}")
            finally:
                if redis is not None:
                    await redis.aclose()
            return "unlocked" if redis is not None else "unlocked here; without REDIS_URL each worker counts alone"
        if args.action == "set-password":
            assert password is not None
            await staff.set_password(account=account, password=password)
            return "password changed; every session signed out"
        change = {
            "deactivate": staff.deactivate,
            "reactivate": staff.reactivate,
            "revoke-sessions": staff.revoke_sessions,
        }
        await change[args.action](account=account)
        return {
            "deactivate": "deactivated; every session signed out",
            "reactivate": "reactivated",
            "revoke-sessions": "every session signed out",
        }[args.action]

    try:
        outcome = with_db(settings, run)
    except staff.StaffError as exc:
        raise Refused(str(exc)) from None
    print(f"{args.username}: {outcome}")
