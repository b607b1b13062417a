"""Validation of the profile fields a brand collects: each optional, each checked, phone only with consent."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import phonenumbers

from foundation.tenancy.regional import SUPPORTED_LOCALES
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import Gender

# The member's columns that identify the person: erased with the account, filled in on a merge.
PERSONAL_FIELDS = (
    "display_name",
    "name",
    "phone",
    "phone_consent_at",
    "phone_verified_at",
    "marketing_consent_at",
    "birthday",
    "baby_due_date",
    "baby_birth_date",
    "gender",
    "city",
)

UNSET: Any = object()


@dataclass
class ProfileInput:
    """Fields left UNSET are not touched; None (or "") clears a field."""

    name: str | None = UNSET
    phone: str | None = UNSET
    phone_consent: bool = False
    birthday: date | None = UNSET
    baby_due_date: date | None = UNSET
    baby_birth_date: date | None = UNSET
    gender: Gender | None = UNSET
    city: str | None = UNSET
    locale: str | None = UNSET
    # True records consent to marketing now, False withdraws it; left out, unchanged.
    marketing_consent: bool | None = UNSET


def clean(
    profile: ProfileInput,
    *,
    today: date,
    now: datetime,
    default_region: str = "CN",
    offered: Sequence[str] = SUPPORTED_LOCALES,
) -> dict[str, Any]:
    """The model fields to write; raises NAME_INVALID, PHONE_INVALID, PHONE_CONSENT_REQUIRED,
    DATE_INVALID, CITY_INVALID or LOCALE_INVALID (not one of `offered`, the brand's) naming the field."""
    out: dict[str, Any] = {}
    if profile.marketing_consent is not UNSET and profile.marketing_consent is not None:
        out["marketing_consent_at"] = now if profile.marketing_consent else None
    if profile.locale is not UNSET:
        if profile.locale is not None and profile.locale not in offered:
            raise ReferralError(Code.LOCALE_INVALID, f"Choose one of {', '.join(offered)}.", "locale")
        out["locale"] = profile.locale
    if profile.name is not UNSET:
        out["name"] = text(profile.name, "name", Code.NAME_INVALID)
    if profile.city is not UNSET:
        out["city"] = text(profile.city, "city", Code.CITY_INVALID)
    if profile.phone is not UNSET:
        if not profile.phone:
            out["phone"], out["phone_consent_at"], out["phone_verified_at"] = None, None, None
        else:
            phone = _phone(profile.phone, default_region)
            if not profile.phone_consent:
                raise ReferralError(
                    Code.PHONE_CONSENT_REQUIRED,
                    "Please agree to let the brand store your phone number.",
                    "phone_consent",
                )
            # A typed number is the member's word for it: unverified until WeChat confirms one.
            out["phone"], out["phone_consent_at"], out["phone_verified_at"] = phone, now, None
    if profile.birthday not in (UNSET, None):
        _date_between(profile.birthday, date(1900, 1, 1), today, "birthday")
    if profile.baby_due_date not in (UNSET, None):
        _date_between(profile.baby_due_date, today - timedelta(days=60), today + timedelta(days=300), "baby_due_date")
    if profile.baby_birth_date not in (UNSET, None):
        _date_between(profile.baby_birth_date, today - timedelta(days=6 * 366), today, "baby_birth_date")
    for name in ("birthday", "baby_due_date", "baby_birth_date", "gender"):
        value = getattr(profile, name)
        if value is not UNSET:
            out[name] = value
    return out


def text(value: str | None, field: str, code: Code) -> str | None:
    if value is None or not value.strip():
        return None
    value = unicodedata.normalize("NFC", value.strip())
    if len(value) > 64 or any(unicodedata.category(c).startswith("C") for c in value):
        raise ReferralError(code, "Use at most 64 printable characters.", field)
    return value


def full_phone(raw: str, default_region: str = "CN") -> str | None:
    """A whole, valid phone number in E.164, or None (a part of a number is not one)."""
    try:
        return _phone(raw, default_region) if len(raw) <= 32 else None
    except ReferralError:
        return None


def e164(raw: str, default_region: str = "CN") -> str:
    """The number in E.164 (+8613812345678); raises PHONE_INVALID."""
    return _phone(raw, default_region)


def _phone(raw: str, default_region: str) -> str:
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ReferralError(Code.PHONE_INVALID, "This is not a valid phone number.", "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _date_between(value: date, low: date, high: date, field: str) -> None:
    if not low <= value <= high:
        raise ReferralError(Code.DATE_INVALID, f"The date must be between {low} and {high}.", field)
