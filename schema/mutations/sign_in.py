"""Sign-in mutations: each returns a session token and the caller it names."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from access import sessions as auth
from access.sessions import SignedIn
from referral.services import fingerprints
from schema.errors import UserError, mutation_payload, refusals
from schema.permissions import IsConsumer, require_caller
from schema.throttles import SIGN_IN, STAFF_SIGN_IN, throttled
from schema.types.viewer import Viewer


@strawberry.type(description="A session, or why sign-in was refused.")
class SignInPayload:
    token: str | None = strawberry.field(default=None, description="Send as 'Authorization: Bearer <token>'.")
    expires_at: datetime | None = strawberry.field(default=None, description="When the token stops working.")
    new_member: bool = strawberry.field(default=False, description="True when this sign-in registered the member.")
    viewer: Viewer | None = strawberry.field(default=None, description="Who the session is for.")
    errors: list[UserError] = refusals()

    @classmethod
    async def of(cls, info: Info, signed_in: SignedIn) -> SignInPayload:
        info.context.act_as(signed_in.caller)
        caller = signed_in.caller
        if caller.member_id is not None:
            await fingerprints.record(
                brand_id=caller.brand_id, member_id=caller.member_id, seen=info.context.seen(), now=info.context.now()
            )
        return cls(
            token=signed_in.token,
            expires_at=datetime.fromtimestamp(signed_in.expires_at, UTC),
            new_member=signed_in.new_member,
            viewer=Viewer(caller=signed_in.caller),
        )


@strawberry.type
class SignInMutations:
    @strawberry.mutation(description="Sign in from the WeChat mini-program with the code from wx.login().")
    @mutation_payload
    @throttled(SIGN_IN)
    async def sign_in_with_wechat(self, info: Info, brand: str, code: str) -> SignInPayload:
        ctx = info.context
        return await SignInPayload.of(
            info,
            await auth.sign_in_wechat(
                settings=ctx.settings, wechat=ctx.integrations.wechat, brand_slug=brand, code=code
            ),
        )

    @strawberry.mutation(description="Sign in from LIFF / LINE Login with the user's ID token.")
    @mutation_payload
    @throttled(SIGN_IN)
    async def sign_in_with_line(self, info: Info, brand: str, id_token: str, nonce: str | None = None) -> SignInPayload:
        ctx = info.context
        return await SignInPayload.of(
            info,
            await auth.sign_in_line(
                settings=ctx.settings, line=ctx.integrations.line, brand_slug=brand, id_token=id_token, nonce=nonce
            ),
        )

    @strawberry.mutation(description="Sign in as brand staff (HQ or store manager) with a password.")
    @mutation_payload
    @throttled(STAFF_SIGN_IN)
    async def sign_in_staff(self, info: Info, brand: str, username: str, password: str) -> SignInPayload:
        return await SignInPayload.of(
            info,
            await auth.sign_in_staff(
                settings=info.context.settings, brand_slug=brand, username=username, password=password
            ),
        )

    @strawberry.mutation(description="Development only: sign in as any consumer. Refused outside development mode.")
    @mutation_payload
    async def dev_sign_in(self, info: Info, brand: str, subject: str) -> SignInPayload:
        return await SignInPayload.of(
            info, await auth.dev_sign_in(settings=info.context.settings, brand_slug=brand, subject=subject)
        )


@strawberry.type
class LinkMutations:
    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Add your WeChat sign-in to this account (accounts merge if it had its own). Returns a new token.",
    )
    @mutation_payload
    @throttled(SIGN_IN)
    async def link_wechat(self, info: Info, code: str) -> SignInPayload | None:
        ctx = info.context
        return await SignInPayload.of(
            info,
            await auth.link_wechat(
                settings=ctx.settings,
                wechat=ctx.integrations.wechat,
                caller=require_caller(info),
                code=code,
                now=ctx.now(),
                member_data=ctx.member_data,
            ),
        )

    @strawberry.mutation(
        permission_classes=[IsConsumer],
        description="Add your LINE sign-in to this account (accounts merge if it had its own). Returns a new token.",
    )
    @mutation_payload
    @throttled(SIGN_IN)
    async def link_line(self, info: Info, id_token: str, nonce: str | None = None) -> SignInPayload | None:
        ctx = info.context
        return await SignInPayload.of(
            info,
            await auth.link_line(
                settings=ctx.settings,
                line=ctx.integrations.line,
                caller=require_caller(info),
                id_token=id_token,
                nonce=nonce,
                now=ctx.now(),
                member_data=ctx.member_data,
            ),
        )
