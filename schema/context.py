"""The per-request context: the caller and DataLoaders bound to the caller's brand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.requests import Request

from events.steps import StepReached
from foundation.auth.caller import Caller
from foundation.auth.errors import AuthError
from foundation.integrations.clients import Integrations
from foundation.ratelimit import Limiter
from foundation.settings import Settings
from referral.models import FingerprintKind
from referral.services.member_data import MemberData
from schema.errors import ClientError
from schema.input_limits import MAX_QR_IMAGES
from schema.loaders import Loaders


@dataclass
class Context:
    request: Request
    settings: Settings
    integrations: Integrations
    limiter: Limiter
    # What the services of a lower domain reach above it with (server/wiring.py).
    member_data: MemberData
    on_event_step: StepReached
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    caller: Caller | None = None
    # Why the presented token was refused, so a protected field can say so precisely.
    auth_error: AuthError | None = None
    # Set when the caller was taken from the token without reading the session (an operation made
    # only of fields that check it in their own statement, schema.permissions.CHECK_OWN_SESSION):
    # reads it, raising the AuthError a revoked session gets.
    read_session: Callable[[], Awaitable[object]] | None = None
    # Keyed hashes of the client's address and device id (server/client_fingerprints.py), computed
    # only by the few operations that record them, not on every request.
    seen: Callable[[], list[tuple[FingerprintKind, str]]] = lambda: []
    loaders: Loaders = field(init=False)
    # What is left of the request's QR images (schema/input_limits.py counts them from the document first).
    qr_images_left: int = MAX_QR_IMAGES

    def __post_init__(self) -> None:
        self.act_as(self.caller)

    def take_qr_image(self) -> None:
        """Count one more QR image; raises QR_LIMIT_REACHED past the request's allowance."""
        if self.qr_images_left <= 0:
            raise ClientError("QR_LIMIT_REACHED", f"At most {MAX_QR_IMAGES} QR images per request.")
        self.qr_images_left -= 1

    async def confirm_session(self) -> None:
        """Before a field that checked the session in its own statement reports a refusal: read the
        session, so that a revoked one is refused as TOKEN_INVALID, as any other field would be,
        not with the field's own refusal. Nothing to do when the session was read already."""
        if self.read_session is None:
            return
        try:
            await self.read_session()
        except AuthError as exc:
            raise ClientError(exc.code.value, exc.message) from None
        self.read_session = None

    def now(self) -> datetime:
        return self.clock()

    def act_as(self, caller: Caller | None) -> None:
        """Make `caller` the caller for the rest of the request (a sign-in answers as its new user)."""
        self.caller = caller
        # Loaders are per request (strawberry #940) and only ever see the caller's brand.
        self.loaders = Loaders(brand_id=caller.brand_id if caller else None)
