"""Who may see what of a member.

Personal details (name, phone, birthday, baby's dates, gender, city) and the profile are for the
member, HQ and the guide serving them (who sees the phone masked). Anyone else who meets a
member (a friend scanning their invite, the member they invited) sees a nickname only.
"""

from __future__ import annotations


def may_see_details(*, is_self: bool, is_hq: bool, is_their_guide: bool) -> bool:
    return is_self or is_hq or is_their_guide


def phone_for(phone: str | None, *, is_self: bool, is_hq: bool, is_their_guide: bool) -> str | None:
    if phone is None or is_self or is_hq:
        return phone
    if is_their_guide:
        # Enough for the guide to recognise the customer, not to copy the number out.
        return phone[:4] + "*" * max(len(phone) - 8, 0) + phone[-4:]
    return None


def public_name(display_name: str | None, name: str | None) -> str | None:
    """What strangers see: the nickname, or the first character of the name."""
    if display_name:
        return display_name
    return name[0] + "*" if name else None
