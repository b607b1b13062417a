"""A member's phone number as WeChat verified it: the mini-program's getPhoneNumber button yields a
code, which the server exchanges (the user's tap is their consent, recorded with the number).
A number the member types stays possible, and is marked unverified."""

from __future__ import annotations

from datetime import datetime

from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.integrations.wechat import WeChat, WeChatCodeRejected, WeChatUnavailable
from foundation.tenancy.models import Brand
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Member
from referral.services import members
from referral.services.profile_fields import e164

MAX_CODE = 128


async def verify_with_wechat(*, brand_id: int, member_id: int, code: str, wechat: WeChat, now: datetime) -> Member:
    """Exchange the button's code and store the number as verified, with consent; raises
    PHONE_CODE_INVALID, CHANNEL_NOT_CONFIGURED or UPSTREAM_UNAVAILABLE, changing nothing."""
    if not code or len(code) > MAX_CODE or not code.isascii() or not code.isprintable():
        raise ReferralError(
            Code.PHONE_CODE_INVALID, "This phone-number code is not valid; tap the button again.", "code"
        )
    member = await members.get(brand_id=brand_id, member_id=member_id)
    brand = await Brand.get(id=brand_id)
    if not brand.wechat_appid or not brand.wechat_secret:
        raise AuthError(AuthErrorCode.CHANNEL_NOT_CONFIGURED, "This brand has no WeChat mini-program.")
    try:
        phone = await wechat.phone_number(appid=brand.wechat_appid, secret=brand.wechat_secret, code=code)
    except WeChatCodeRejected:
        raise ReferralError(
            Code.PHONE_CODE_INVALID, "This phone-number code is invalid or used; tap the button again.", "code"
        ) from None
    except WeChatUnavailable:
        raise AuthError(AuthErrorCode.UPSTREAM_UNAVAILABLE, "WeChat did not answer; please try again.") from None
    number = e164(f"+{phone.country_code}{phone.number}")
    await Member.filter(id=member.id).update(phone=number, phone_consent_at=now, phone_verified_at=now)
    return await Member.get(id=member.id)
