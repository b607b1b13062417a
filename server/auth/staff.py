"""Staff accounts, created from the command line."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError

from referral.models import Store
from server import cpu
from server.auth.models import StaffAccount, StaffRole
from server.auth.passwords import MIN_LENGTH, hash_password

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


class StaffError(ValueError):
    """The account cannot be created as asked."""


async def create(
    *, brand_id: int, username: str, password: str, role: StaffRole, store_id: int | None = None
) -> StaffAccount:
    """Create a staff account; raises StaffError on a bad username, weak password, or missing store."""
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise StaffError("username: 3-64 lowercase letters, digits, '.', '_' or '-'")
    if len(password) < MIN_LENGTH:
        raise StaffError(f"password must have at least {MIN_LENGTH} characters")
    if (role is StaffRole.STORE_MANAGER) != (store_id is not None):
        raise StaffError("a store manager needs a store; HQ staff must not have one")
    if store_id is not None:
        if not await Store.exists(id=store_id, brand_id=brand_id):
            raise StaffError("no such store in this brand")
    try:
        return await StaffAccount.create(
            brand_id=brand_id, username=username, password_hash=await cpu.offload(hash_password, password), role=role,
            store_id=store_id,
        )
    except IntegrityError:
        raise StaffError(f"username {username!r} is taken") from None
