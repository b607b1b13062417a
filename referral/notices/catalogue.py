"""Notice texts per locale from gettext catalogues (locales/<locale>.po, English msgids), read with
Babel; dates and times are written as each locale writes them, in the brand's time zone. A notice
keeps its facts (params), so the same news reads right in the inbox, on LINE and on WeChat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from referral.models import MessageKind

LOCALES_DIR = Path(__file__).parent / "locales"
SOURCE_LOCALE = "en"

# (title, body) per kind, as English msgids; the bodies' %(name)s come from the notice's params.
MESSAGES: dict[MessageKind, tuple[str, str]] = {
    MessageKind.EVENT_CANCELLED: ("Event cancelled", 'Sorry: "%(title)s" on %(when)s has been cancelled.'),
    MessageKind.WAITLIST_PROMOTED: (
        "You have a place",
        'Good news: a place opened up and you are now confirmed for "%(title)s" on %(when)s.',
    ),
    MessageKind.EVENT_REMINDER: (
        "Event tomorrow",
        'Reminder: "%(title)s" starts %(when)s at %(place)s. Show your ticket at the door.',
    ),
    MessageKind.COUPON_ISSUED: ("New coupon", "You have a new coupon: %(coupon)s, valid until %(expires)s."),
}
# Kinds whose words the brand writes itself (params "title" and "body", personalised when queued):
# they are not translated by the catalogue.
WRITTEN = frozenset({MessageKind.BROADCAST, MessageKind.GUIDE_MESSAGE})
ONLINE = "online"
# What a WeChat subscribe message's `thing` field holds at most.
_THING = 20


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    page: str | None


@cache
def catalogue(locale: str) -> Catalog | None:
    """The locale's catalogue; None for the source locale (its msgids are its texts)."""
    if locale == SOURCE_LOCALE:
        return None
    with (LOCALES_DIR / f"{locale}.po").open("rb") as po:
        return read_po(po, locale=Locale.parse(locale, sep="-"))


def gettext(locale: str, msgid: str) -> str:
    found = catalogue(locale)
    message = found.get(msgid) if found is not None else None
    return str(message.string) if message is not None and message.string else msgid


def _when(value: str, locale: Locale, zone: ZoneInfo) -> str:
    at = datetime.fromisoformat(value)
    day = format_skeleton("MMMEd", at, tzinfo=zone, locale=locale)
    return f"{day} {format_time(at, 'short', tzinfo=zone, locale=locale)}"


def _values(params: dict[str, Any], locale_tag: str, zone: ZoneInfo) -> dict[str, str]:
    locale = Locale.parse(locale_tag, sep="-")
    values = {k: str(v) for k, v in params.items() if isinstance(v, str)}
    if "starts_at" in params:
        values["when"] = _when(params["starts_at"], locale, zone)
    if "expires_at" in params:
        values["expires"] = format_date(
            datetime.fromisoformat(params["expires_at"]).astimezone(zone), "long", locale=locale
        )
    values["place"] = params.get("place") or gettext(locale_tag, ONLINE)
    return values


def render(kind: MessageKind, params: dict[str, Any], *, locale: str, zone: ZoneInfo) -> Rendered:
    if kind in WRITTEN:
        return Rendered(title=str(params["title"]), body=str(params["body"]), page=params.get("page"))
    title, body = MESSAGES[kind]
    return Rendered(
        title=gettext(locale, title),
        body=gettext(locale, body) % _values(params, locale, zone),
        page=params.get("page"),
    )


def wechat_fields(kind: MessageKind, params: dict[str, Any], *, locale: str, zone: ZoneInfo) -> dict[str, str]:
    """The subscribe-message template's fields: thing1 what, time2 when (WeChat's own format), thing3 note."""
    at = params.get("starts_at") or params.get("expires_at") or params.get("sent_at")
    what = params.get("title") or params.get("coupon") or ""
    note = str(params["body"]) if kind in WRITTEN else gettext(locale, MESSAGES[kind][0])
    return {
        "thing1": what[:_THING],
        "time2": datetime.fromisoformat(at).astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else "",
        "thing3": note[:_THING],
    }


@dataclass(frozen=True)
class Push:
    """What a push says: LINE's text, WeChat's template fields, the mini-program page to open."""

    text: str
    fields: dict[str, str]
    page: str | None


def for_push(
    kind: MessageKind, payload: dict[str, Any], *, locale: str, zone: ZoneInfo, event_link_base: str | None = None
) -> Push:
    """`event_link_base` (the brand's LIFF URL for events) adds a link to the event to LINE's text."""
    if "text" in payload:  # queued before the catalogue, with its words
        return Push(text=payload["text"], fields=payload.get("fields", {}), page=payload.get("page"))
    rendered = render(kind, payload, locale=locale, zone=zone)
    link = (
        f"\n{event_link_base}?{urlencode({'id': payload['event_id']})}"
        if event_link_base and "event_id" in payload
        else ""
    )
    return Push(
        text=f"{rendered.title}\n{rendered.body}{link}",
        fields=wechat_fields(kind, payload, locale=locale, zone=zone),
        page=rendered.page,
    )
