from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from foundation.auth.caller import Role
from referral import privacy
from referral.models import Channel as ChannelValue, Gender as GenderValue, Member as MemberModel
from referral.services import policy as policies, profiles
from referral.services.chains import Link
from referral.services.touches import query as touches_query
from schema import ids
from schema.arguments import After, First
from schema.columns import column
from schema.enums import client_enum
from schema.pagination import Connection, paginate
from schema.types.node import Node
from schema.types.profile import Profile, Touch
from schema.types.qr import QrFormat, QrFormatArgument, QrImage

if TYPE_CHECKING:
    from schema.types.guide import Guide

Channel = client_enum(
    ChannelValue,
    "How a member came to register.",
    {
        ChannelValue.GUIDE_QR: "Scanned a guide's personal QR code.",
        ChannelValue.MEMBER_INVITE: "Followed another member's invitation.",
        ChannelValue.PRODUCT_SCAN: "Scanned the code on an item before registering.",
        ChannelValue.EVENT: "Came through a community event.",
        ChannelValue.ORGANIC: "Found the mini-program without an invitation.",
    },
)
Gender = client_enum(
    GenderValue,
    "The gender a member gave, if any.",
    {GenderValue.FEMALE: "Female.", GenderValue.MALE: "Male.", GenderValue.OTHER: "Other, or preferred not to say."},
)


@strawberry.type(
    description="A member of the brand. Personal details show only to the member, HQ and their guide (phone masked)."
)
class Member(Node):
    row: strawberry.Private[MemberModel]

    @strawberry.field(description="Global id of the member.")
    def id(self) -> strawberry.ID:
        return ids.encode("Member", self.row.id)

    @strawberry.field(description="The name to show: in full to the member, their guide and HQ; abridged to others.")
    def display_name(self, info: Info) -> str | None:
        if _may_see_profile(info, self.row):
            return self.row.display_name or self.row.name
        return privacy.public_name(self.row.display_name, self.row.name)

    registered_at = column(
        datetime | None, description="When they registered; null while only known from a scan or sign-in."
    )

    channel = column(Channel | None, description="How they came to register.")

    invite_code = column(str, description="Their personal invite code (in their invite QR).")

    @strawberry.field(description="Their name; for the member, their guide and HQ.")
    def name(self, info: Info) -> str | None:
        return self.row.name if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Their city; for the member, their guide and HQ.")
    def city(self, info: Info) -> str | None:
        return self.row.city if _may_see_profile(info, self.row) else None

    @strawberry.field(description="The language they chose; null: the brand's default. For them, their guide and HQ.")
    def locale(self, info: Info) -> str | None:
        return self.row.locale if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Their gender, if given; for the member, their guide and HQ.")
    def gender(self, info: Info) -> Gender | None:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        return self.row.gender if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Their birthday, if given; for the member, their guide and HQ.")
    def birthday(self, info: Info) -> date | None:
        return self.row.birthday if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Their baby's due date, if given; for the member, their guide and HQ.")
    def baby_due_date(self, info: Info) -> date | None:
        return self.row.baby_due_date if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Their baby's birth date, if given; for the member, their guide and HQ.")
    def baby_birth_date(self, info: Info) -> date | None:
        return self.row.baby_birth_date if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Their phone number: in full to the member and HQ, masked to their guide.")
    def phone(self, info: Info) -> str | None:
        return privacy.phone_for(self.row.phone, **_relation(info, self.row))

    @strawberry.field(description="Whether they agreed to marketing messages; for them, their guide and HQ.")
    def marketing_consent(self, info: Info) -> bool | None:
        return self.row.marketing_consent_at is not None if _may_see_profile(info, self.row) else None

    @strawberry.field(description="Whether WeChat confirmed the phone number (getPhoneNumber); false for a typed one.")
    def phone_verified(self, info: Info) -> bool | None:
        return self.row.phone_verified_at is not None if _may_see_profile(info, self.row) else None

    @strawberry.field(description="The guide serving this member now.")
    async def guide(self, info: Info) -> Annotated[Guide, strawberry.lazy("schema.types.guide")] | None:
        from schema.types.guide import Guide

        if self.row.guide_id is None:
            return None
        row = await info.context.loaders.guide.load(self.row.guide_id)
        return Guide(row=row) if row else None

    @strawberry.field(description="The member who invited this one.")
    async def referrer(self, info: Info) -> Member | None:
        if self.row.referrer_id is None:
            return None
        row = await info.context.loaders.member.load(self.row.referrer_id)
        return Member(row=row) if row else None

    @strawberry.field(description="Stage, tags and value scores; for the member, their guide and HQ.")
    async def profile(self, info: Info) -> Profile | None:
        if not _may_see_profile(info, self.row):
            return None
        loaders = info.context.loaders
        stats = await loaders.profile_stats.load(self.row.id)
        policy = await loaders.policy.load(self.row.brand_id)
        computed = profiles.profile_of(self.row, stats, policy, info.context.now())
        return Profile.of(computed, await loaders.member_tags.load(self.row.id))

    @strawberry.field(description="Touch points, newest first; for the member, their guide and HQ.")
    async def timeline(self, info: Info, first: First = 20, after: After = None) -> Connection[Touch] | None:
        if not _may_see_profile(info, self.row):
            return None
        q = touches_query(brand_id=self.row.brand_id, member_id=self.row.id)
        return await paginate(q, first=first, after=after, to_node=lambda t: Touch(row=t), newest_first=True)

    @strawberry.field(description="This member's invite QR (the URL the mini-program opens).")
    async def invite_qr(self, info: Info, format: QrFormatArgument = QrFormat.PNG) -> QrImage:  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        policy = await info.context.loaders.policy.load(self.row.brand_id)
        return await QrImage.render(info, policies.invite_url(policy, self.row.invite_code), format)


def _relation(info: Info, row: MemberModel) -> dict[str, bool]:
    caller = info.context.caller
    return {
        "is_self": caller is not None and caller.member_id == row.id,
        "is_hq": caller is not None and caller.has(Role.HQ),
        "is_their_guide": caller is not None and caller.guide_id is not None and caller.guide_id == row.guide_id,
    }


def _may_see_profile(info: Info, row: MemberModel) -> bool:
    return privacy.may_see_details(**_relation(info, row))


@strawberry.type(description="One member in a referral chain, with their distance from where the walk began.")
class ChainLink:
    depth: int = strawberry.field(description="Steps from where the walk began (1: invited directly).")
    member: Member = strawberry.field(description="The member.")

    @classmethod
    def of(cls, link: Link) -> ChainLink:
        return cls(depth=link.depth, member=Member(row=link.member))


@strawberry.type(description="One page of a referral tree, and how many members the whole tree holds.")
class ChainPage:
    total: int = strawberry.field(description="Members in the whole tree.")
    links: list[ChainLink] = strawberry.field(description="This page of the tree, nearest first.")


@strawberry.input(description="Profile fields; leave a field out to keep it, send null to clear it.")
class ProfileInput:
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    phone_consent: bool = strawberry.field(default=False, description="Must be true to store a phone number.")
    birthday: date | None = strawberry.field(default=strawberry.UNSET, description="The member's birthday.")
    baby_due_date: date | None = strawberry.field(default=strawberry.UNSET, description="The baby's due date.")
    baby_birth_date: date | None = strawberry.field(default=strawberry.UNSET, description="The baby's birth date.")
    gender: Gender | None = strawberry.field(default=strawberry.UNSET, description="The member's gender.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
    city: str | None = strawberry.UNSET
    locale: str | None = strawberry.field(
        default=strawberry.UNSET, description="The language to be told things in: one of the brand's locales."
    )
    marketing_consent: bool | None = strawberry.field(
        default=strawberry.UNSET, description="true: agree to receive marketing messages; false: withdraw."
    )


@strawberry.input(description="What a member gives when registering.")
class RegisterInput:
    code: str | None = strawberry.field(default=None, description="The guide's or friend's code from the QR, if any.")
    channel: Channel | None = strawberry.field(  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable
        default=None, description="Where registration started (product scan, event), when no code says it."
    )
    campaign: str | None = None
    profile: ProfileInput | None = strawberry.field(default=None, description="Profile fields to store now.")
