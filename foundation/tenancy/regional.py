"""A brand's regional settings: its time zone (reports and texts), the locales it offers members and
its default, its currency (every amount is an integer in its minor unit), and where links to its
events point. Each change is recorded (BrandChange)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.numbers import get_currency_precision, list_currencies
from tortoise.transactions import in_transaction

from foundation.tenancy import changes
from foundation.tenancy.errors import TenancyError, TenancyErrorCode as Code
from foundation.tenancy.models import Brand

SUPPORTED_LOCALES = ("zh-Hans", "zh-Hant", "ja", "en")
DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_LOCALE = "zh-Hans"
DEFAULT_CURRENCY = "CNY"


@dataclass(frozen=True)
class Regional:
    time_zone: str
    locales: tuple[str, ...]
    default_locale: str
    currency: str
    event_link_base: str | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def currency_digits(self) -> int:
        """How many digits of an amount are the minor unit (CNY 2, JPY 0)."""
        return currency_digits(self.currency)

    def locale_for(self, wanted: str | None) -> str:
        """The locale to speak to someone who asked for `wanted` (a member's choice): one the brand offers."""
        return wanted if wanted in self.locales else self.default_locale


def of(brand: Brand) -> Regional:
    return Regional(
        time_zone=brand.time_zone or DEFAULT_TIME_ZONE,
        locales=tuple(brand.locales or [DEFAULT_LOCALE]),
        default_locale=brand.default_locale or DEFAULT_LOCALE,
        currency=brand.currency or DEFAULT_CURRENCY,
        event_link_base=brand.event_link_base,
    )


def currency_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


@dataclass(frozen=True)
class Change:
    """What to change; a field left None keeps its value."""

    time_zone: str | None = None
    locales: list[str] | None = None
    default_locale: str | None = None
    currency: str | None = None
    event_link_base: str | None = None


def _time_zone(name: str) -> str:
    if len(name) > 64 or name not in _zones():
        raise TenancyError(Code.TIME_ZONE_INVALID, "Not an IANA time zone name (such as Asia/Shanghai).", "time_zone")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise TenancyError(Code.TIME_ZONE_INVALID, "This time zone is not known here.", "time_zone") from None
    return name


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _locales(locales: list[str]) -> list[str]:
    kept = list(dict.fromkeys(locales))
    if not kept or any(locale not in SUPPORTED_LOCALES for locale in kept):
        raise TenancyError(Code.LOCALE_INVALID, f"Offer one or more of {', '.join(SUPPORTED_LOCALES)}.", "locales")
    return kept


def _currency(code: str) -> str:
    if len(code) != 3 or not code.isascii() or code.upper() not in list_currencies():
        raise TenancyError(Code.CURRENCY_INVALID, "Not an ISO 4217 currency code (such as CNY).", "currency")
    return code.upper()


def _link_base(url: str) -> str:
    parts = urlsplit(url.strip())
    if (
        len(url) > 300
        or parts.scheme != "https"
        or not parts.hostname
        or parts.query
        or parts.fragment
        or not url.isascii()
        or any(c.isspace() for c in url.strip())
    ):
        raise TenancyError(Code.LINK_INVALID, "A link base is an https URL without ? or #.", "event_link_base")
    return url.strip()


async def change(*, brand_id: int, wanted: Change, changed_by: str, now: datetime) -> Brand:
    """Apply what `wanted` sets, recording each setting that changes; raises a TenancyError (and
    changes nothing) if any value is refused."""
    values: dict[str, Any] = {}
    if wanted.time_zone is not None:
        values["time_zone"] = _time_zone(wanted.time_zone)
    if wanted.locales is not None:
        values["locales"] = _locales(wanted.locales)
    if wanted.default_locale is not None:
        values["default_locale"] = wanted.default_locale
    if wanted.currency is not None:
        values["currency"] = _currency(wanted.currency)
    if wanted.event_link_base is not None:
        values["event_link_base"] = _link_base(wanted.event_link_base) if wanted.event_link_base else None
    async with in_transaction() as conn:
        brand = await Brand.filter(id=brand_id).select_for_update().using_db(conn).get()
        before = of(brand)
        offered = values.get("locales", list(before.locales))
        default = values.get("default_locale", before.default_locale)
        if default not in offered:
            raise TenancyError(
                Code.LOCALE_INVALID, "The default locale must be one the brand offers.", "default_locale"
            )
        values["default_locale"] = default
        for setting, new in values.items():
            old = getattr(before, setting)
            if (list(old) if isinstance(old, tuple) else old) != new:
                await changes.record(
                    conn, brand_id=brand_id, setting=setting, old=_text(old), new=_text(new), by=changed_by, at=now
                )
        await Brand.filter(id=brand_id).using_db(conn).update(**values)
    return await Brand.get(id=brand_id)


def _text(value: object) -> str | None:
    if value is None:
        return None
    return ",".join(value) if isinstance(value, list | tuple) else str(value)
