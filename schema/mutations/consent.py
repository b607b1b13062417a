"""A member's answers to WeChat's subscribe-message popup: each acceptance lets the brand send one message."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from referral.models import ConsentSource, SubscribeResult as ResultValue
from referral.services import consent
from schema.arguments import IdempotencyKey
from schema.enums import client_enum
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, require_caller

SubscribeResult = client_enum(
    ResultValue,
    "What wx.requestSubscribeMessage answered for a template.",
    {
        ResultValue.ACCEPT: "The member accepted: the brand may send one message with this template.",
        ResultValue.REJECT: "The member declined.",
        ResultValue.BAN: "WeChat bars this mini-program from subscribe messages.",
        ResultValue.FILTER: "WeChat filtered the template (deleted or mistitled).",
    },
)


@strawberry.input(description="One template's answer, as wx.requestSubscribeMessage's success callback gives it.")
class SubscribeResultInput:
    template_id: str = strawberry.field(description="The template id (one of Brand.wechatTemplates).")
    result: SubscribeResult = strawberry.field(description="accept, reject, ban or filter, upper-cased.")  # type: ignore[valid-type]  # a strawberry.enum alias, which mypy reads as a variable


@strawberry.type(description="What the member may be sent over WeChat now.")
class SubscribeCredit:
    template_id: str = strawberry.field(description="The template.")
    available: int = strawberry.field(description="Messages the brand may still send with it.")


@strawberry.type(description="The member's credits after recording, or why the answers were refused.")
class SubscribeResultsPayload:
    credits: list[SubscribeCredit] | None = strawberry.field(default=None, description="Null when refused.")
    errors: list[UserError] = refusals()


async def credits_of(member_id: int) -> list[SubscribeCredit]:
    counts = await consent.available(member_id=member_id)
    return [SubscribeCredit(template_id=t, available=n) for t, n in sorted(counts.items())]


@strawberry.type
class ConsentMutations:
    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Record what wx.requestSubscribeMessage answered (ask for the templates of "
        "Brand.wechatTemplates). Each acceptance lets the brand send one message; without one, notices "
        "go to LINE or only to the inbox.",
    )
    @mutation_payload
    async def record_subscribe_results(
        self,
        info: Info,
        results: Annotated[list[SubscribeResultInput], strawberry.argument(description="Up to 10 answers.")],
        idempotency_key: IdempotencyKey = None,
    ) -> SubscribeResultsPayload | None:
        caller = require_caller(info)
        member_id = caller.member_id or 0
        await consent.record(
            brand_id=caller.brand_id,
            member_id=member_id,
            answers=[consent.Answer(r.template_id, ResultValue(r.result.value)) for r in results],
            source=ConsentSource.CLIENT,
            now=info.context.now(),
            request_key=idempotency_key,
        )
        return SubscribeResultsPayload(credits=await credits_of(member_id))
