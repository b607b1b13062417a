"""The facts of what members are told about events: the texts are written from them per locale
and in the brand's time zone by referral/notices, so events hold no wording."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from events.models import Event
from foundation import global_ids


def _page(event: Event) -> str:
    """The mini-program page that shows the event, by its global id (what `event(id:)` and `node(id:)` take)."""
    return "pages/events/detail?" + urlencode({"id": global_ids.encode("Event", event.id)})


def about(event: Event) -> dict[str, Any]:
    """Every event notice's facts: what, when, where, and the page that shows it."""
    return {
        "event_id": global_ids.encode("Event", event.id),
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "place": event.place or "",
        "page": _page(event),
    }
