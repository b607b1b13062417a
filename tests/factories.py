"""Test data built through the same services production uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from access.models import StaffAccount, StaffRole
from events.models import Event
from events.services import events
from foundation.auth import tokens
from foundation.auth.passwords import hash_password
from foundation.settings import Settings
from foundation.tenancy import service as brands
from foundation.tenancy.models import Brand
from referral.models import Guide, GuideRole, IdentityProvider, Member, Store, StoreEnrolment
from referral.services import enrolment as enrolments, guides, members, stores

STAFF_PASSWORD = "correct horse battery"


async def brand(slug: str = "acme", *, wechat: bool = True, line: bool = True) -> Brand:
    row = await brands.create(
        slug=slug,
        name=f"{slug.title()} Milk",
        wechat_appid=f"wx{slug}" if wechat else None,
        wechat_secret=f"secret-{slug}" if wechat else None,
        line_channel_id=f"16{len(slug)}{slug}" if line else None,
    )
    return row


async def store(b: Brand, code: str = "S1", name: str | None = None) -> Store:
    return await stores.create(brand_id=b.id, code=code, name=name or f"Store {code}")


async def member(b: Brand, subject: str = "mum") -> Member:
    row, _ = await members.sign_in(brand_id=b.id, provider=IdentityProvider.DEV, subject=subject)
    return row


async def guide(b: Brand, s: Store, subject: str = "guide", role: GuideRole = GuideRole.GUIDE) -> Guide:
    m = await member(b, subject)
    return await guides.appoint(brand_id=b.id, member_id=m.id, store_id=s.id, role=role)


async def staff(
    b: Brand, username: str = "hq-user", role: StaffRole = StaffRole.HQ, s: Store | None = None
) -> StaffAccount:
    # One argon2 hash for all test accounts: hashing costs ~130 ms, and `staff.create` has its own tests.
    return await StaffAccount.create(
        brand_id=b.id, username=username, password_hash=_password_hash(), role=role, store_id=s.id if s else None
    )


@cache
def _password_hash() -> str:
    return hash_password(STAFF_PASSWORD)


def member_token(settings: Settings, m: Member, ttl_s: int = 3600) -> str:
    return tokens.issue(
        secret=str(settings.secret_key), brand_id=m.brand_id, kind="member", principal_id=m.id, ttl_s=ttl_s
    )[0]


def staff_token(settings: Settings, a: StaffAccount, ttl_s: int = 3600) -> str:
    return tokens.issue(
        secret=str(settings.secret_key),
        brand_id=a.brand_id,
        kind="staff",
        principal_id=a.id,
        ttl_s=ttl_s,
        version=a.token_version,
    )[0]


async def event(
    b: Brand, s: Store | None = None, *, capacity: int = 30, now: datetime | None = None, **spec: object
) -> Event:
    """A published event early next year, run by the store (or HQ), open to all members from `now`."""
    now = now or datetime.now(UTC)
    start = datetime(now.year + 1, 1, 10, 2, tzinfo=UTC)
    values = dict(
        title="Baby yoga", starts_at=start, ends_at=start + timedelta(hours=2), capacity=capacity, place="Store"
    )
    row = await events.create(
        brand_id=b.id, store_id=s.id if s else None, spec=events.EventSpec(**{**values, **spec}), now=now
    )
    return await events.publish(brand_id=b.id, event_id=row.id, store_scope=None, now=now)


@dataclass
class Cast:
    """One brand with a store, an enrolment QR, and a signed-in caller of every role."""

    brand: Brand
    store: Store
    tokens: dict[str, str]
    consumer: Member
    guide: Guide
    enrolment: StoreEnrolment
    event: Event


async def cast(settings: Settings, slug: str) -> Cast:
    b = await brand(slug)
    s = await store(b, "MAIN")
    consumer = await member(b, f"{slug}-mum")
    g = await guide(b, s, f"{slug}-guide")
    mgr = await guide(b, s, f"{slug}-manager", GuideRole.MANAGER)
    manager_staff = await staff(b, f"{slug}-mgr", StaffRole.STORE_MANAGER, s)
    hq = await staff(b, f"{slug}-hq")
    enrolment = await enrolments.create(brand_id=b.id, store_id=s.id, valid_hours=24, now=datetime.now(UTC))
    return Cast(
        event=await event(b, s),
        brand=b,
        store=s,
        consumer=consumer,
        guide=g,
        enrolment=enrolment,
        tokens={
            "consumer": member_token(settings, consumer),
            "guide": member_token(settings, await Member.get(id=g.member_id)),
            "guide_manager": member_token(settings, await Member.get(id=mgr.member_id)),
            "store_manager": staff_token(settings, manager_staff),
            "hq": staff_token(settings, hq),
        },
    )
