"""Who may call what: one permission class per role rule, attached to fields."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission
from strawberry.types import Info

from foundation.auth.caller import Caller, Role
from foundation.auth.errors import AuthErrorCode
from reach import segments
from referral.errors import ReferralError, ReferralErrorCode
from schema.errors import ClientError

# Fields whose service reads the member's row, in the one statement that does the field's work, with
# the condition the session check reads it with (this brand, not erased), so that a revoked session
# writes nothing; mutation_payload has the session read before it reports any refusal of theirs
# (context.confirm_session), so a revoked one still gets TOKEN_INVALID. An operation made only of
# these runs without reading the session first: a claim's only round trip is then its own. A field
# is added here only with a test of a revoked session through it (tests/loyalty/test_claim_session.py).
CHECK_OWN_SESSION = frozenset({"claimItemCode"})


def require_caller(info: Info) -> Caller:
    """The signed-in caller; raises UNAUTHENTICATED, or the reason the token was refused."""
    context = info.context
    if context.caller is not None:
        return context.caller
    if context.auth_error is not None:
        raise ClientError(context.auth_error.code.value, context.auth_error.message)
    raise ClientError(AuthErrorCode.UNAUTHENTICATED.value, "Please sign in.")


class _HasRole(BasePermission):
    roles: ClassVar[frozenset[Role]]
    message = "You are not allowed to do this."
    error_extensions = {"code": AuthErrorCode.FORBIDDEN.value}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return require_caller(info).has(*self.roles)


class IsSignedIn(_HasRole):
    roles = frozenset(Role)


class IsConsumer(_HasRole):
    roles = frozenset({Role.CONSUMER})


class IsGuide(_HasRole):
    roles = frozenset({Role.GUIDE})


class IsStoreStaff(_HasRole):
    """Store managers act on their own store; HQ on every store of the brand."""

    roles = frozenset({Role.STORE_MANAGER, Role.HQ})


class IsServing(_HasRole):
    """Those who serve members: guides (their own), store managers (their store's), HQ (the brand's)."""

    roles = frozenset({Role.GUIDE, Role.STORE_MANAGER, Role.HQ})


class IsHQ(_HasRole):
    roles = frozenset({Role.HQ})


def store_scope(caller: Caller) -> int | None:
    """The one store a store manager may act on; None (every store of the brand) for HQ."""
    return None if caller.has(Role.HQ) else caller.store_id


def report_store(caller: Caller, asked: int | None) -> int | None:
    """The store a report reads for the caller, or a store manager acts on: the one asked for (or all)
    for HQ, always their own for a store manager, who may not ask for another (STORE_NOT_FOUND)."""
    scope = store_scope(caller)
    if scope is not None and asked not in (None, scope):
        raise ReferralError(ReferralErrorCode.STORE_NOT_FOUND, "You act on your own store only.", "storeId")
    return scope or asked


def segment_scope(caller: Caller) -> segments.Scope:
    """Whose members a segment selects for the caller: HQ the brand's, a store manager their store's,
    a guide their own."""
    if caller.has(Role.HQ):
        return segments.Scope(caller.brand_id)
    if caller.has(Role.STORE_MANAGER):
        return segments.Scope(caller.brand_id, store_id=caller.store_id)
    return segments.Scope(caller.brand_id, guide_id=caller.guide_id or 0)
