"""Who is calling: resolved once per request from the session token, fresh from the database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CONSUMER = "consumer"
    GUIDE = "guide"
    STORE_MANAGER = "store_manager"
    HQ = "hq"


@dataclass(frozen=True)
class Caller:
    brand_id: int
    roles: frozenset[Role]
    member_id: int | None = None
    staff_id: int | None = None
    guide_id: int | None = None
    # The store a guide or store manager works in; HQ is not tied to one.
    store_id: int | None = None

    def has(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)
