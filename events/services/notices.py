"""What members are told about events, in the outbox's payload shape: `text` for LINE, `fields` for
a WeChat subscribe-message template (thing1: title, time2: when, thing3: note), `page` to open."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from events.models import Event
from foundation import global_ids


def _page(event: Event) -> str:
    """The mini-program page that shows the event, by its global id (what `event(id:)` and `node(id:)` take)."""
    return "pages/events/detail?" + urlencode({"id": global_ids.encode("Event", event.id)})


def _when(event: Event) -> str:
    return event.starts_at.strftime("%Y-%m-%d %H:%M")


def event_cancelled(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "page": _page(event),
        "text": f'Sorry: "{event.title}" on {_when(event)} has been cancelled.',
        "fields": {"thing1": event.title, "time2": _when(event), "thing3": "Event cancelled"},
    }


def waitlist_promoted(event: Event) -> dict[str, Any]:
    return {
        "title": event.title,
        "page": _page(event),
        "text": f'Good news: a place opened up and you are now confirmed for "{event.title}" on {_when(event)}.',
        "fields": {"thing1": event.title, "time2": _when(event), "thing3": "You have a place now"},
    }


def reminder(event: Event) -> dict[str, Any]:
    where = event.place or event.online_url or ""
    return {
        "title": event.title,
        "page": _page(event),
        "text": f'Reminder: "{event.title}" starts {_when(event)} at {where}. Show your ticket at the door.',
        "fields": {"thing1": event.title, "time2": _when(event), "thing3": where[:20]},
    }
