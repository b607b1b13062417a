"""Where members were seen from, as keyed hashes: evidence for self-referral rings."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member


class FingerprintKind(StrEnum):
    # An id the mini-program keeps in its storage and sends as X-Device-Id.
    DEVICE = "device"
    # The network address; weak evidence alone, since carriers put many people behind one.
    IP = "ip"


class Fingerprint(Model):
    """One (member, kind, digest), with when it was first and last seen. Only keyed hashes are
    stored: the raw address or device id cannot be read back, only matched."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(FingerprintKind, max_length=8)
    digest = fields.CharField(max_length=32)
    first_seen_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()

    brand_id: int
    member_id: int

    class Meta:
        table = "member_fingerprint"
        unique_together = (("member", "kind", "digest"),)
        indexes = (("brand_id", "kind", "digest"),)
