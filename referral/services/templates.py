"""Which WeChat subscribe-message template each kind of notice uses. Each brand registers its own
templates in the mini-program console and names them here; a change is recorded (BrandChange)."""

from __future__ import annotations

import re
from datetime import datetime

from tortoise.transactions import in_transaction

from foundation.tenancy import changes
from foundation.tenancy.models import Brand
from referral.errors import ReferralError, ReferralErrorCode as Code
from referral.models import MessageKind

# WeChat's template ids are 43 URL-safe base64 characters; allow some room.
_TEMPLATE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


async def set_template(
    *, brand_id: int, purpose: MessageKind, template_id: str | None, changed_by: str, now: datetime
) -> Brand:
    """Name (or, with None, forget) the template for `purpose`; returns the brand as changed.
    Raises TEMPLATE_ID_INVALID, changing nothing."""
    if template_id is not None and not _TEMPLATE_ID.fullmatch(template_id):
        raise ReferralError(
            Code.TEMPLATE_ID_INVALID, "A template id is 8-64 letters, digits, '-' or '_'.", "template_id"
        )
    async with in_transaction() as conn:
        brand = await Brand.filter(id=brand_id).select_for_update().using_db(conn).get()
        templates = dict(brand.wechat_templates or {})
        old = templates.get(purpose.value)
        if old != template_id:
            if template_id is None:
                templates.pop(purpose.value, None)
            else:
                templates[purpose.value] = template_id
            await changes.record(
                conn,
                brand_id=brand_id,
                setting=f"wechat_template:{purpose.value}",
                old=old,
                new=template_id,
                by=changed_by,
                at=now,
            )
            await Brand.filter(id=brand_id).using_db(conn).update(wechat_templates=templates)
    return await Brand.get(id=brand_id)


def templates_of(brand: Brand) -> dict[MessageKind, str]:
    """The brand's templates by purpose (an entry for a purpose no longer known is ignored)."""
    known = {kind.value: kind for kind in MessageKind}
    return {known[k]: v for k, v in (brand.wechat_templates or {}).items() if k in known}
