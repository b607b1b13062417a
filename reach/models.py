"""Reach models. Tortoise discovers every model imported here."""

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand


class Segment(Model):
    """A saved filter: conditions (reach/condition_json.py) evaluated when used, never a stored list."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=80)
    definition: fields.JSONField[dict[str, Any]] = fields.JSONField()
    # "staff:<id>" for HQ and store managers, "guide:<id>" for a guide.
    created_by = fields.CharField(max_length=40)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    brand_id: int

    class Meta:
        table = "segment"
        unique_together = (("brand", "name"),)

    def __repr__(self) -> str:
        return f"<Segment {self.id}>"


__all__ = ["Segment"]
