from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Guide, Member, Store


class StorePurchase(Model):
    """A purchase at a store's till, recorded by a guide for a member: the receipt's lines, its total
    and the points it earned. (store, receipt number) is unique: a receipt is recorded once, however
    often the guide's phone retries."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    store: fields.ForeignKeyRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, on_delete=fields.RESTRICT
    )
    # Who recorded it at the till (the purchase itself is credited to the guide the member is bound to).
    recorded_by: fields.ForeignKeyRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, on_delete=fields.RESTRICT
    )
    receipt_number = fields.CharField(max_length=64)
    # [{"sku", "quantity", "price_cents"}], as rung up.
    items: fields.JSONField[list[dict[str, Any]]] = fields.JSONField()
    total_cents = fields.BigIntField()
    points = fields.IntField()
    purchased_at = fields.DatetimeField()
    # A return (the goods came back): what the purchase earned was taken back then.
    returned_at = fields.DatetimeField(null=True)
    return_reason = fields.CharField(max_length=200, null=True)

    brand_id: int
    store_id: int
    recorded_by_id: int
    member_id: int

    class Meta:
        table = "store_purchase"
        unique_together = (("store", "receipt_number"),)
        indexes = (("member_id", "purchased_at"),)
