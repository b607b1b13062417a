"""Sign-in flows and the resolution of a session token into a Caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from access.models import StaffAccount, StaffRole
from foundation import cpu
from foundation.auth import tokens
from foundation.auth.caller import Caller, Role
from foundation.auth.errors import AuthError, AuthErrorCode as Code
from foundation.auth.passwords import verify_password
from foundation.integrations.line import LineLogin, LineTokenRejected, LineUnavailable
from foundation.integrations.wechat import WeChat, WeChatCodeRejected, WeChatUnavailable
from foundation.settings import Settings
from foundation.tenancy import service as brands
from foundation.tenancy.models import Brand
from referral.models import GuideRole, IdentityProvider
from referral.services import identities, members
from referral.services.member_data import MemberData

_UNAVAILABLE = "Sign-in is unavailable right now; please try again in a moment."


@dataclass(frozen=True)
class SignedIn:
    token: str
    expires_at: int
    caller: Caller
    new_member: bool = False


async def sign_in_wechat(*, settings: Settings, wechat: WeChat, brand_slug: str, code: str) -> SignedIn:
    """Exchange a wx.login code for a member session; raises UNKNOWN_BRAND, CHANNEL_NOT_CONFIGURED,
    WECHAT_CODE_INVALID or UPSTREAM_UNAVAILABLE."""
    brand = await _brand(brand_slug)
    openid, unionid = await _wechat_identity(wechat, brand, code)
    return await _member_session(settings, brand, IdentityProvider.WECHAT, openid, unionid)


async def _wechat_identity(wechat: WeChat, brand: Brand, code: str) -> tuple[str, str | None]:
    if not brand.wechat_appid or not brand.wechat_secret:
        raise AuthError(Code.CHANNEL_NOT_CONFIGURED, "This brand has no WeChat mini-program.")
    if not code or len(code) > 128:
        raise AuthError(Code.WECHAT_CODE_INVALID, "The WeChat login code is not valid.", "code")
    try:
        session = await wechat.code_to_session(appid=brand.wechat_appid, secret=brand.wechat_secret, code=code)
    except WeChatCodeRejected:
        raise AuthError(Code.WECHAT_CODE_INVALID, "The WeChat login code is invalid or used.", "code") from None
    except WeChatUnavailable:
        raise AuthError(Code.UPSTREAM_UNAVAILABLE, _UNAVAILABLE) from None
    return session.openid, session.unionid


async def sign_in_line(
    *, settings: Settings, line: LineLogin, brand_slug: str, id_token: str, nonce: str | None
) -> SignedIn:
    """Verify a LINE ID token for a member session; raises UNKNOWN_BRAND, CHANNEL_NOT_CONFIGURED,
    LINE_TOKEN_INVALID or UPSTREAM_UNAVAILABLE."""
    brand = await _brand(brand_slug)
    user_id = await _line_identity(line, brand, id_token, nonce)
    return await _member_session(settings, brand, IdentityProvider.LINE, user_id, None)


async def _line_identity(line: LineLogin, brand: Brand, id_token: str, nonce: str | None) -> str:
    if not brand.line_channel_id:
        raise AuthError(Code.CHANNEL_NOT_CONFIGURED, "This brand has no LINE channel.")
    if not id_token or len(id_token) > 4096:
        raise AuthError(Code.LINE_TOKEN_INVALID, "The LINE ID token is not valid.", "id_token")
    try:
        identity = await line.verify_id_token(channel_id=brand.line_channel_id, id_token=id_token, nonce=nonce)
    except LineTokenRejected:
        raise AuthError(Code.LINE_TOKEN_INVALID, "The LINE ID token is invalid or expired.", "id_token") from None
    except LineUnavailable:
        raise AuthError(Code.UPSTREAM_UNAVAILABLE, _UNAVAILABLE) from None
    return identity.user_id


async def link_wechat(
    *, settings: Settings, wechat: WeChat, caller: Caller, code: str, now: datetime, member_data: MemberData
) -> SignedIn:
    """Add the caller's WeChat identity to their member (merging if it has its own); a new session
    names the member the person now is. Raises what sign_in_wechat raises, or a referral merge error."""
    brand = await Brand.get(id=caller.brand_id)
    openid, unionid = await _wechat_identity(wechat, brand, code)
    return await _linked(settings, caller, IdentityProvider.WECHAT, openid, unionid, now, member_data)


async def link_line(
    *,
    settings: Settings,
    line: LineLogin,
    caller: Caller,
    id_token: str,
    nonce: str | None,
    now: datetime,
    member_data: MemberData,
) -> SignedIn:
    """As link_wechat, for a LINE ID token."""
    brand = await Brand.get(id=caller.brand_id)
    user_id = await _line_identity(line, brand, id_token, nonce)
    return await _linked(settings, caller, IdentityProvider.LINE, user_id, None, now, member_data)


async def _linked(
    settings: Settings,
    caller: Caller,
    provider: IdentityProvider,
    subject: str,
    unionid: str | None,
    now: datetime,
    member_data: MemberData,
) -> SignedIn:
    assert caller.member_id is not None
    member = await identities.link(
        brand_id=caller.brand_id,
        member_id=caller.member_id,
        provider=provider,
        subject=subject,
        unionid=unionid,
        now=now,
        member_data=member_data,
    )
    return await _session_for(settings, member.brand_id, member.id, new_member=False)


async def dev_sign_in(*, settings: Settings, brand_slug: str, subject: str) -> SignedIn:
    """Sign in as any consumer without WeChat or LINE; raises DEV_SIGN_IN_DISABLED outside development."""
    if not settings.is_development:
        raise AuthError(Code.DEV_SIGN_IN_DISABLED, "Development sign-in is disabled on this server.")
    brand = await _brand(brand_slug)
    if not subject or len(subject) > 128:
        raise AuthError(Code.INVALID_CREDENTIALS, "Subject must be 1-128 characters.", "subject")
    return await _member_session(settings, brand, IdentityProvider.DEV, subject, None)


async def sign_in_staff(*, settings: Settings, brand_slug: str, username: str, password: str) -> SignedIn:
    """Check a staff password; raises UNKNOWN_BRAND or INVALID_CREDENTIALS (never which part was wrong)."""
    brand = await _brand(brand_slug)
    staff = await StaffAccount.get_or_none(brand_id=brand.id, username=username.strip().lower(), is_active=True)
    # argon2 in a worker thread: ~250 ms on the event loop held every other request of the worker.
    if not await cpu.offload(verify_password, staff.password_hash if staff else None, password) or staff is None:
        raise AuthError(Code.INVALID_CREDENTIALS, "Wrong username or password.")
    await StaffAccount.filter(id=staff.id).update(last_sign_in_at=datetime.now(UTC))
    token, expires_at = tokens.issue(
        secret=str(settings.secret_key),
        brand_id=brand.id,
        kind="staff",
        principal_id=staff.id,
        ttl_s=settings.staff_token_ttl_s,
        version=staff.token_version,
    )
    return SignedIn(token=token, expires_at=expires_at, caller=_staff_caller(staff))


async def caller_from_token(*, settings: Settings, token: str) -> Caller:
    """The caller a session token names, with roles as they are now; raises TOKEN_INVALID or TOKEN_EXPIRED."""
    claims = tokens.decode(token, secret=str(settings.secret_key))
    if claims.kind == "staff":
        staff = await StaffAccount.get_or_none(id=claims.principal_id, brand_id=claims.brand_id, is_active=True)
        if staff is None or staff.token_version != claims.version:
            raise AuthError(Code.TOKEN_INVALID, "This session was revoked; please sign in again.")
        return _staff_caller(staff)
    found = await members.get_active(brand_id=claims.brand_id, member_id=claims.principal_id)
    if found is None:
        raise AuthError(Code.TOKEN_INVALID, "This session was revoked; please sign in again.")
    roles = {Role.CONSUMER}
    if found.guide_id is not None:
        roles.add(Role.GUIDE)
        if found.guide_role is GuideRole.MANAGER:
            roles.add(Role.STORE_MANAGER)
    return Caller(
        brand_id=claims.brand_id,
        roles=frozenset(roles),
        member_id=found.member_id,
        guide_id=found.guide_id,
        store_id=found.guide_store_id,
    )


def consumer_from_token(*, settings: Settings, token: str) -> Caller | None:
    """The member a member token names, as a consumer, from the token alone (its signature and expiry,
    no read): for a request whose fields read the member's row themselves, in the statement that
    does their work, with the condition caller_from_token reads it with (this brand, not erased).
    None for a staff token. Raises TOKEN_INVALID or TOKEN_EXPIRED."""
    claims = tokens.decode(token, secret=str(settings.secret_key))
    if claims.kind != "member":
        return None
    return Caller(brand_id=claims.brand_id, roles=frozenset({Role.CONSUMER}), member_id=claims.principal_id)


async def _brand(slug: str) -> Brand:
    brand = await brands.get_by_slug(slug)
    if brand is None:
        raise AuthError(Code.UNKNOWN_BRAND, "Unknown brand.", "brand")
    return brand


async def _member_session(
    settings: Settings, brand: Brand, provider: IdentityProvider, subject: str, unionid: str | None
) -> SignedIn:
    member, created = await members.sign_in(brand_id=brand.id, provider=provider, subject=subject, unionid=unionid)
    return await _session_for(settings, brand.id, member.id, new_member=created)


async def _session_for(settings: Settings, brand_id: int, member_id: int, *, new_member: bool) -> SignedIn:
    token, expires_at = tokens.issue(
        secret=str(settings.secret_key),
        brand_id=brand_id,
        kind="member",
        principal_id=member_id,
        ttl_s=settings.member_token_ttl_s,
    )
    caller = await caller_from_token(settings=settings, token=token)
    return SignedIn(token=token, expires_at=expires_at, caller=caller, new_member=new_member)


def _staff_caller(staff: StaffAccount) -> Caller:
    role = Role.HQ if staff.role is StaffRole.HQ else Role.STORE_MANAGER
    return Caller(brand_id=staff.brand_id, roles=frozenset({role}), staff_id=staff.id, store_id=staff.store_id)
