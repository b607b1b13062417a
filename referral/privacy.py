"""Who may see a member's contact details: the member, HQ, and (masked) the guide serving them."""

from __future__ import annotations


def phone_for(phone: str | None, *, is_self: bool, is_hq: bool, is_their_guide: bool) -> str | None:
    if phone is None or is_self or is_hq:
        return phone
    if is_their_guide:
        # Enough for the guide to recognise the customer, not to copy the number out.
        return phone[:4] + "*" * max(len(phone) - 8, 0) + phone[-4:]
    return None
