"""What insight keeps of its own: how fresh each brand's pre-computed tables are. The tables
themselves (PostgreSQL arrays, made by migration 0001 on PostgreSQL only) are derived data that
insight.snapshot.refresh rebuilds whole; nothing else writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand


class Snapshot(Model):
    """A brand's last refresh: the member-level reports read the tables as they were then."""

    id = fields.IntField(primary_key=True)
    brand: fields.OneToOneRelation[Brand] = fields.OneToOneField(
        "tenancy.Brand", related_name=False, on_delete=fields.CASCADE
    )
    refreshed_at = fields.DatetimeField()
    # The time zone the cohorts' months were cut in: a brand that changes zone reads live until refreshed.
    zone = fields.CharField(max_length=64)
    buyers = fields.IntField()  # members with a purchase or return, one row each
    took_ms = fields.IntField()

    brand_id: int

    class Meta:
        table = "insight_snapshot"
