"""The per-request context: the caller and DataLoaders bound to the caller's brand."""

from __future__ import annotations

from collections.abc import Callable
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

    def now(self) -> datetime:
        return self.clock()

    def act_as(self, caller: Caller | None) -> None:
        """Make `caller` the caller for the rest of the request (a sign-in answers as its new user)."""
        self.caller = caller
        # Loaders are per request (strawberry #940) and only ever see the caller's brand.
        self.loaders = Loaders(brand_id=caller.brand_id if caller else None)
