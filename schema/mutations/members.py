"""What a member does in the mini-program: register, scan a code, edit their profile."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.services import fingerprints, members, phones
from referral.services.profile_fields import UNSET, ProfileInput as DomainProfile
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, require_caller
from schema.types.guide import Guide
from schema.types.member import Member, ProfileInput, RegisterInput


@strawberry.type(description="A member as a mutation left them, or why it was refused.")
class MemberPayload:
    member: Member | None = strawberry.field(default=None, description="The member; null when refused.")
    errors: list[UserError] = refusals()


@strawberry.type(description="Whose code a member scanned.")
class ScanPayload:
    guide: Guide | None = strawberry.field(default=None, description="The guide whose code was scanned, if a guide's.")
    inviter: Member | None = strawberry.field(
        default=None, description="The member whose code was scanned, if a member's."
    )
    switched: bool = strawberry.field(default=False, description="True when the scan moved the member to this guide.")
    errors: list[UserError] = refusals()


def to_domain(profile: ProfileInput | None) -> DomainProfile:
    if profile is None:
        return DomainProfile()
    values = {
        name: (UNSET if getattr(profile, name) is strawberry.UNSET else getattr(profile, name))
        for name in (
            "name",
            "phone",
            "birthday",
            "baby_due_date",
            "baby_birth_date",
            "gender",
            "city",
            "locale",
            "marketing_consent",
        )
    }
    return DomainProfile(phone_consent=profile.phone_consent, **values)


@strawberry.type
class MemberMutations:
    @strawberry.mutation(
        permission_classes=[IsConsumer], description="Become a member, through a guide's or friend's code."
    )
    @mutation_payload
    async def register(
        self, info: Info, input: Annotated[RegisterInput, strawberry.argument(description="What the member gives.")]
    ) -> MemberPayload | None:
        caller = require_caller(info)
        row = await members.register(
            brand_id=caller.brand_id,
            member_id=caller.member_id,
            now=info.context.now(),
            code=input.code,
            channel=input.channel,
            campaign=input.campaign,
            profile=to_domain(input.profile),
        )
        await fingerprints.record(
            brand_id=caller.brand_id, member_id=row.id, seen=info.context.seen(), now=info.context.now()
        )
        return MemberPayload(member=Member(row=row))

    @strawberry.mutation(permission_classes=[IsConsumer], description="Record a scan of a guide's or member's QR.")
    @mutation_payload
    async def scan_code(self, info: Info, code: str) -> ScanPayload | None:
        caller = require_caller(info)
        result = await members.scan_code(
            brand_id=caller.brand_id, member_id=caller.member_id, code=code, now=info.context.now()
        )
        return ScanPayload(
            guide=Guide(row=result.inviter.guide) if result.inviter.member is None and result.inviter.guide else None,
            inviter=Member(row=result.inviter.member) if result.inviter.member else None,
            switched=result.switched,
        )

    @strawberry.mutation(permission_classes=[IsConsumer], description="Edit your own profile.")
    @mutation_payload
    async def update_profile(
        self, info: Info, input: Annotated[ProfileInput, strawberry.argument(description="The fields to change.")]
    ) -> MemberPayload | None:
        caller = require_caller(info)
        row = await members.update_profile(
            brand_id=caller.brand_id, member_id=caller.member_id, profile=to_domain(input), now=info.context.now()
        )
        return MemberPayload(member=Member(row=row))

    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Store the phone number WeChat verified: pass the code of the mini-program's getPhoneNumber "
        "button (the tap is the member's consent, recorded with the number).",
    )
    @mutation_payload
    async def verify_phone_with_wechat(
        self, info: Info, code: Annotated[str, strawberry.argument(description="e.detail.code from getPhoneNumber.")]
    ) -> MemberPayload | None:
        caller = require_caller(info)
        row = await phones.verify_with_wechat(
            brand_id=caller.brand_id,
            member_id=caller.member_id or 0,
            code=code,
            wechat=info.context.integrations.wechat,
            now=info.context.now(),
        )
        return MemberPayload(member=Member(row=row))
