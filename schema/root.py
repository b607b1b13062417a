"""The schema: root types, limits against abusive queries, and error masking."""

from __future__ import annotations

import logging
from datetime import datetime

import strawberry
from graphql import ASTValidationRule, GraphQLError, specified_rules
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema import documents, input_limits
from schema.errors import should_mask
from schema.mutations.brand import BrandMutations
from schema.mutations.broadcasts import BroadcastMutations
from schema.mutations.campaigns import CampaignMutations
from schema.mutations.consent import ConsentMutations
from schema.mutations.conversations import ConversationMutations
from schema.mutations.coupons import CouponMutations
from schema.mutations.data_rights import DataRightsMutations
from schema.mutations.events import EventMutations
from schema.mutations.guides import GuideMutations
from schema.mutations.inbox import InboxMutations
from schema.mutations.interactions import InteractionMutations
from schema.mutations.journeys import JourneyMutations
from schema.mutations.loyalty import LoyaltyMutations
from schema.mutations.members import MemberMutations
from schema.mutations.order_imports import OrderImportMutations
from schema.mutations.policy import PolicyMutations
from schema.mutations.reach import ReachMutations
from schema.mutations.sign_in import LinkMutations, SignInMutations
from schema.mutations.staff import StaffMutations
from schema.mutations.store_purchases import StorePurchaseMutations
from schema.mutations.stores import StoreMutations
from schema.mutations.tags import TagMutations
from schema.mutations.tasks import TaskMutations
from schema.queries import Query
from schema.scalars import MINOR_UNITS, AwareDateTime, MinorUnits

log = logging.getLogger("scrm.graphql")
_SUGGESTION = " Did you mean"


@strawberry.type(
    description="What a client may change. Each mutation answers with a payload whose `errors` say why it was refused."
)
class Mutation(
    SignInMutations,
    LinkMutations,
    StoreMutations,
    GuideMutations,
    MemberMutations,
    PolicyMutations,
    TagMutations,
    DataRightsMutations,
    LoyaltyMutations,
    CouponMutations,
    StorePurchaseMutations,
    OrderImportMutations,
    CampaignMutations,
    EventMutations,
    InteractionMutations,
    StaffMutations,
    BrandMutations,
    InboxMutations,
    ConsentMutations,
    ReachMutations,
    BroadcastMutations,
    TaskMutations,
    JourneyMutations,
    ConversationMutations,
):
    pass


class Schema(strawberry.Schema):
    validation_rules: tuple[type[ASTValidationRule], ...] = tuple(specified_rules)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Refusals written for the client are normal traffic; only the unexpected deserve a traceback.
        for error in errors:
            if self.config.disable_field_suggestions and _SUGGESTION in error.message:
                # strawberry drops the hint for unknown fields only; arguments, enum values, types and
                # input fields would still spell out the schema that introspection hides.
                error.message = error.message.split(_SUGGESTION)[0].rstrip()
            if should_mask(error):
                log.error("unexpected error at %s", error.path, exc_info=error.original_error)


class _MaskErrors(MaskErrors):
    """MaskErrors without its runtime Protocol isinstance check, which cost a claim ~1.5% of a
    worker (py-spy) on every request, errors or not. Same rule: anything with errors gets them masked."""

    def _process_result(self, result: object) -> None:
        if errors := getattr(result, "errors", None):
            # Every strawberry result type has errors; the base types the result as object.
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


def build_schema(
    *,
    max_depth: int = 10,
    max_tokens: int = 2000,
    max_aliases: int = 15,
    introspection: bool = True,
    query: type = Query,
    mutation: type = Mutation,
) -> Schema:
    # Caches and validation rules are built once and shared: a fresh instance per request
    # would start with an empty cache, and new rule objects defeat ValidationCache.
    # strawberry sets each extension's execution_context per request. A shared instance is safe
    # only if its hooks read it before the first await that can suspend (these do, before execution
    # starts); MaskErrors reads the result after execution, so it must be a new one per request.
    # Every extension costs each request ~10 us of hooks, so limits ride on the caches' hooks.
    # 128 documents: more than an app's operations, and what the collector must walk when unique
    # documents flood in (each cached AST keeps its whole token chain: ~1,000 objects for 100 fields).
    parser = documents.LimitedParserCache(maxsize=128, max_tokens=max_tokens)
    validation_cache = documents.AdmittingValidationCache(maxsize=128)
    rules = AddValidationRules(
        [
            *QueryDepthLimiter(max_depth=max_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        ]
    )
    extensions = [
        lambda: parser,
        lambda: validation_cache,
        lambda: rules,
        lambda: _MaskErrors(should_mask_error=should_mask, error_message="Internal server error."),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    # What every execution validates against (strawberry's defaults, then the extensions' rules in
    # their order), for documents validated before execution (schema/documents.py).
    validation_rules = (
        *specified_rules,
        *rules.validation_rules,
        *(() if introspection else DisableIntrospection().validation_rules),
    )
    built = Schema(
        query=query,
        mutation=mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not introspection),
        scalar_overrides={datetime: AwareDateTime, MinorUnits: MINOR_UNITS},
    )
    built.validation_rules = validation_rules
    input_limits.document(built._schema)
    return built


schema = build_schema()

__all__ = ["build_schema", "schema"]
