"""A brand's platform secrets (WeChat app secret, LINE channel secret and access token), changed
without SQL. They are sealed at rest (sealing.py) and read from the row at each use, so a new secret
takes effect at the next call in every worker, without a restart. A change is recorded as made,
never with the value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from foundation.tenancy import changes
from foundation.tenancy.errors import TenancyError, TenancyErrorCode as Code
from foundation.tenancy.models import Brand

CHANGED = "(changed)"
_LENGTHS = {
    "wechat_secret": (16, 64),
    "line_channel_secret": (16, 64),
    "line_channel_access_token": (32, 512),
    "wechat_callback_token": (3, 32),
    "wechat_aes_key": (43, 43),
}


@dataclass(frozen=True)
class Secrets:
    """The secrets to replace; one left None keeps its value."""

    wechat_secret: str | None = None
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    # What the mini-program console's 消息推送 page shows: the Token and the EncodingAESKey.
    wechat_callback_token: str | None = None
    wechat_aes_key: str | None = None

    def given(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value is not None}


def _checked(name: str, value: str) -> str:
    low, high = _LENGTHS[name]
    if not (low <= len(value) <= high and value.isascii() and value.isprintable() and " " not in value):
        # The message names the setting, never the value.
        raise TenancyError(Code.SECRET_INVALID, f"{name}: {low}-{high} printable ASCII characters, no spaces.", name)
    return value


async def replace(*, brand_id: int, secrets: Secrets, changed_by: str, now: datetime) -> Brand:
    """Seal and store the given secrets, recording each as changed; raises SECRET_INVALID (changing nothing)."""
    values = {name: _checked(name, value) for name, value in secrets.given().items()}
    async with in_transaction() as conn:
        brand = await Brand.filter(id=brand_id).select_for_update().using_db(conn).get()
        for name, value in values.items():
            setattr(brand, name, value)
            await changes.record(conn, brand_id=brand_id, setting=name, old=None, new=CHANGED, by=changed_by, at=now)
        if values:
            await brand.save(update_fields=list(values), using_db=conn)
    return brand
