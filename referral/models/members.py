from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from referral.models.enums import Channel, Gender, IdentityProvider

if TYPE_CHECKING:
    from foundation.tenancy.models import Brand
    from referral.models import Guide, Store


class Member(Model):
    """A consumer of one brand (the same person in another brand is another member)."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # Null until the member completes registration; before that they are only "aware".
    registered_at = fields.DatetimeField(null=True)
    invite_code = fields.CharField(max_length=16)
    channel = fields.CharEnumField(Channel, max_length=16, null=True)
    # The free-text tag the client registered the member with (a poster, a fair): a report dimension.
    registration_tag = fields.CharField(max_length=64, null=True)
    # Who brought whom. Set once, at registration, to a member registered earlier: so the
    # referral graph is a forest by construction (no self-referral, no cycle, one referrer).
    referrer: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # First touch: the guide and store that recruited the member. Never changes.
    origin_guide: fields.ForeignKeyNullableRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    origin_store: fields.ForeignKeyNullableRelation["Store"] = fields.ForeignKeyField(
        "referral.Store", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # The guide serving the member now (switches and reassignments are kept in GuideBinding).
    guide: fields.ForeignKeyNullableRelation["Guide"] = fields.ForeignKeyField(
        "referral.Guide", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    display_name = fields.CharField(max_length=64, null=True)
    name = fields.CharField(max_length=64, null=True)
    phone = fields.CharField(max_length=20, null=True)
    phone_consent_at = fields.DatetimeField(null=True)
    # Set when WeChat's getPhoneNumber confirmed the number; null for a number the member typed.
    phone_verified_at = fields.DatetimeField(null=True)
    # When the member agreed to receive marketing (broadcasts); null: they have not, or withdrew.
    marketing_consent_at = fields.DatetimeField(null=True)
    birthday = fields.DateField(null=True)
    baby_due_date = fields.DateField(null=True)
    baby_birth_date = fields.DateField(null=True)
    gender = fields.CharEnumField(Gender, max_length=8, null=True)
    city = fields.CharField(max_length=64, null=True)
    # The locale the member chose (BCP 47, one the brand offers); null: the brand's default.
    locale = fields.CharField(max_length=16, null=True)
    deleted_at = fields.DatetimeField(null=True)

    brand_id: int
    referrer_id: int | None
    origin_guide_id: int | None
    origin_store_id: int | None
    guide_id: int | None

    class Meta:
        table = "member"
        unique_together = (("brand", "invite_code"),)
        # Column names, not field names: tortoise 1.1.9 puts index names into SQL unresolved on PostgreSQL.
        # referrer_id alone: the recursive step of a chain walk looks members up by referrer only.
        indexes = (
            ("referrer_id",),
            ("brand_id", "guide_id"),
            ("brand_id", "origin_guide_id"),
            ("brand_id", "registered_at"),
            # Imported orders find their member by phone.
            ("brand_id", "phone"),
        )


class MemberIdentity(Model):
    """A proven sign-in identity (WeChat openid, LINE user id) that leads to one member."""

    id = fields.IntField(primary_key=True)
    brand: fields.ForeignKeyRelation["Brand"] = fields.ForeignKeyField(
        "tenancy.Brand", related_name=False, on_delete=fields.RESTRICT
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "referral.Member", related_name="identities", on_delete=fields.CASCADE
    )
    provider = fields.CharEnumField(IdentityProvider, max_length=16)
    subject = fields.CharField(max_length=128)
    unionid = fields.CharField(max_length=128, null=True)
    # LINE: whether the user is the official account's friend (follow) or not (unfollow, block);
    # null until LINE told us. A push goes only where it is not False.
    pushable = fields.BooleanField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    brand_id: int
    member_id: int

    class Meta:
        table = "member_identity"
        # The database, not Python, decides who wins two concurrent first sign-ins, and keeps a
        # member to one identity per provider when two links race.
        unique_together = (("brand", "provider", "subject"), ("member", "provider"))
        # Imported orders find their member by WeChat unionid.
        indexes = (("brand_id", "unionid"),)
