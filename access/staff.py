"""Staff accounts: created, re-passworded, deactivated and signed out from the command line (`scrm staff`)
or, for store managers, by HQ through GraphQL."""

from __future__ import annotations

import re
from collections.abc import Awaitable

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.queryset import QuerySet

from access.models import StaffAccount, StaffRole
from foundation import cpu
from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.auth.passwords import MIN_LENGTH, hash_password
from referral.models import Store

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


class StaffError(ValueError):
    """The account cannot be created or changed as asked; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


async def create(
    *, brand_id: int, username: str, password: str, role: StaffRole, store_id: int | None = None
) -> StaffAccount:
    """Create a staff account; raises StaffError on a bad username, weak password, or missing store."""
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise StaffError("username: 3-64 lowercase letters, digits, '.', '_' or '-'", "username")
    if len(password) < MIN_LENGTH:
        raise StaffError(f"password must have at least {MIN_LENGTH} characters", "password")
    if (role is StaffRole.STORE_MANAGER) != (store_id is not None):
        raise StaffError("a store manager needs a store; HQ staff must not have one", "store_id")
    if store_id is not None:
        if not await Store.exists(id=store_id, brand_id=brand_id):
            raise StaffError("no such store in this brand", "store_id")
    try:
        return await StaffAccount.create(
            brand_id=brand_id,
            username=username,
            password_hash=await cpu.offload(hash_password, password),
            role=role,
            store_id=store_id,
        )
    except IntegrityError:
        raise StaffError(f"username {username!r} is taken", "username") from None


async def find(*, brand_id: int, username: str) -> StaffAccount:
    """Raises StaffError if the brand has no such account."""
    account = await StaffAccount.get_or_none(brand_id=brand_id, username=username.strip().lower())
    if account is None:
        raise StaffError(f"no staff account {username.strip().lower()!r} in this brand")
    return account


async def set_password(*, account: StaffAccount, password: str) -> StaffAccount:
    """A new password; every session signed in before is refused from the next request on."""
    if len(password) < MIN_LENGTH:
        raise StaffError(f"password must have at least {MIN_LENGTH} characters", "password")
    password_hash = await cpu.offload(hash_password, password)
    return await _change(account, password_hash=password_hash)


async def deactivate(*, account: StaffAccount) -> StaffAccount:
    """The person can no longer sign in, and their open sessions end."""
    return await _change(account, is_active=False)


async def reactivate(*, account: StaffAccount) -> StaffAccount:
    """Signing in works again (sessions ended by the deactivation stay ended)."""
    return await _change(account, is_active=True)


async def revoke_sessions(*, account: StaffAccount) -> StaffAccount:
    """Sign the person out everywhere: every token issued so far is refused."""
    return await _change(account)


async def _change(account: StaffAccount, **values: object) -> StaffAccount:
    # The version is bumped in the same UPDATE, in the database: every worker reads it on every
    # request (access/sessions.caller_from_token), so old tokens are refused at once everywhere.
    await StaffAccount.filter(id=account.id).update(token_version=F("token_version") + 1, **values)
    return await StaffAccount.get(id=account.id)


def store_managers(*, brand_id: int) -> QuerySet[StaffAccount]:
    """The brand's store-manager accounts (HQ accounts are changed from the command line only)."""
    return StaffAccount.filter(brand_id=brand_id, role=StaffRole.STORE_MANAGER)


async def store_manager(*, brand_id: int, staff_id: int) -> StaffAccount:
    """Raises STAFF_NOT_FOUND for another brand's account, or an HQ account."""
    account = await store_managers(brand_id=brand_id).get_or_none(id=staff_id)
    if account is None:
        raise AuthError(AuthErrorCode.STAFF_NOT_FOUND, "No such store-manager account.", "staff_id")
    return account


async def checked(change: Awaitable[StaffAccount]) -> StaffAccount:
    """A change HQ asked for through the API: StaffError becomes the typed STAFF_INVALID."""
    try:
        return await change
    except StaffError as exc:
        raise AuthError(AuthErrorCode.STAFF_INVALID, str(exc).capitalize() + ".", exc.field) from None
