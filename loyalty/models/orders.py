"""Orders imported from tills and web shops (a CSV upload or a batch call), kept whether or not a
member matched them: an order waits, unmatched, until its member appears."""

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Member, Store


class OrderImport(Model):
    """One import run (a file or a batch call): who ran it, when, and what it did."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    # The file's name or "api"; who started it (a staff account's name or "cli").
    source = fields.CharField(max_length=200)
    started_by = fields.CharField(max_length=64)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    orders_read = fields.IntField(default=0)
    imported = fields.IntField(default=0)
    duplicates = fields.IntField(default=0)
    matched = fields.IntField(default=0)
    rejected = fields.IntField(default=0)

    brand_id: int

    class Meta:
        table = "order_import"


class ImportedOrder(Model):
    """An order from outside (a till system, a web shop). `order_number` is unique per brand: the same
    order imported again changes nothing. The member keys are kept as given, so an order nobody
    matched yet is matched when its member registers (scrm match-orders, and every later import)."""

    id = fields.BigIntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    order_import: fields.ForeignKeyRelation[OrderImport] = fields.ForeignKeyField(
        "loyalty.OrderImport", related_name=False, on_delete=fields.RESTRICT
    )
    order_number = fields.CharField(max_length=64)
    # Where it was sold: a store of the brand, or none (a web shop); `channel` is free text ("tmall").
    store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    channel = fields.CharField(max_length=32, null=True)
    ordered_at = fields.DatetimeField()
    # [{"sku", "quantity", "price_cents"}]
    items: fields.JSONField[list[dict[str, Any]]] = fields.JSONField()
    total_cents = fields.BigIntField()
    # How to find the member: their code, a phone (E.164, matched against verified phones only), a
    # WeChat unionid; the first that names exactly one member wins.
    member_code = fields.CharField(max_length=32, null=True)
    phone = fields.CharField(max_length=20, null=True)
    unionid = fields.CharField(max_length=128, null=True)
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    matched_at = fields.DatetimeField(null=True)
    points = fields.IntField(default=0)
    returned_at = fields.DatetimeField(null=True)
    return_reason = fields.CharField(max_length=200, null=True)

    brand_id: int
    order_import_id: int
    store_id: int | None
    member_id: int | None

    class Meta:
        table = "imported_order"
        unique_together = (("brand", "order_number"),)
        # A member's orders (a merge, a data export). Matching finds the waiting ones by walking the
        # primary key, not by an index on matched_at: one more index for every order imported.
        indexes = (("member_id", "ordered_at"),)
