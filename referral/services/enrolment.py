"""Store enrolment QR codes: a signed, expiring token HQ or the store's manager can revoke.

The token is "E<id>.<expiry>.<mac>": forged or expired tokens are refused from the token alone;
only a token that could be genuine costs a database read (to see whether it was revoked).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import StoreEnrolment
from referral.services import stores

MAX_VALID_HOURS = 24 * 90


def _mac(key: bytes, brand_id: int, enrolment_id: int, expires: int) -> str:
    digest = hmac.new(key, f"enrol:{brand_id}:{enrolment_id}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:15]).decode()


def token_for(key: bytes, enrolment: StoreEnrolment) -> str:
    expires = int(enrolment.expires_at.timestamp())
    return f"E{enrolment.id}.{expires}.{_mac(key, enrolment.brand_id, enrolment.id, expires)}"


async def create(
    *, brand_id: int, store_id: int, valid_hours: int, now: datetime, store_scope: int | None = None
) -> StoreEnrolment:
    """A new enrolment for the store; raises STORE_NOT_FOUND, STORE_INACTIVE or VALIDITY_INVALID.

    `store_scope` limits a store manager to their own store.
    """
    if store_scope is not None and store_scope != store_id:
        raise ReferralError(Code.STORE_NOT_FOUND, "No such store.", "store_id")
    store = await stores.get(brand_id=brand_id, store_id=store_id)
    if not store.is_active:
        raise ReferralError(Code.STORE_INACTIVE, "This store is closed.", "store_id")
    if not 1 <= valid_hours <= MAX_VALID_HOURS:
        raise ReferralError(Code.VALIDITY_INVALID, f"Validity: 1 to {MAX_VALID_HOURS} hours.", "valid_hours")
    return await StoreEnrolment.create(
        brand_id=brand_id, store_id=store.id, expires_at=now + timedelta(hours=valid_hours)
    )


async def revoke(*, brand_id: int, enrolment_id: int, now: datetime, store_scope: int | None = None) -> StoreEnrolment:
    """Stop an enrolment QR from working; raises ENROLMENT_NOT_FOUND. Revoking twice is harmless."""
    query = StoreEnrolment.filter(id=enrolment_id, brand_id=brand_id)
    if store_scope is not None:
        query = query.filter(store_id=store_scope)
    enrolment = await query.first()
    if enrolment is None:
        raise ReferralError(Code.ENROLMENT_NOT_FOUND, "No such enrolment QR.", "id")
    await StoreEnrolment.filter(id=enrolment.id, revoked_at=None).update(revoked_at=now)
    return await StoreEnrolment.get(id=enrolment.id)


_TOKEN = re.compile(r"E(?P<id>[0-9]{1,10})\.(?P<expires>[0-9]{1,11})\.(?P<mac>[A-Za-z0-9_=-]{1,64})", re.ASCII)


async def verify(*, key: bytes, brand_id: int, token: str, now: datetime) -> StoreEnrolment:
    """The enrolment a token names; raises ENROLMENT_INVALID, ENROLMENT_EXPIRED or ENROLMENT_REVOKED."""
    # The whole shape first, in ASCII: int() would take other scripts' digits and any size, and
    # compare_digest refuses non-ASCII str (an internal error, before).
    found = _TOKEN.fullmatch(token)
    if found is None:
        raise ReferralError(Code.ENROLMENT_INVALID, "This enrolment QR is not valid.", "token")
    enrolment_id, expires, mac = int(found["id"]), int(found["expires"]), found["mac"]
    if not hmac.compare_digest(mac.encode(), _mac(key, brand_id, enrolment_id, expires).encode()):
        raise ReferralError(Code.ENROLMENT_INVALID, "This enrolment QR is not valid.", "token")
    if datetime.fromtimestamp(expires, UTC) <= now:
        raise ReferralError(Code.ENROLMENT_EXPIRED, "This enrolment QR has expired; ask for a new one.", "token")
    enrolment = await StoreEnrolment.get_or_none(id=enrolment_id, brand_id=brand_id)
    if enrolment is None:
        raise ReferralError(Code.ENROLMENT_INVALID, "This enrolment QR is not valid.", "token")
    if enrolment.revoked_at is not None:
        raise ReferralError(Code.ENROLMENT_REVOKED, "This enrolment QR was withdrawn.", "token")
    return enrolment
