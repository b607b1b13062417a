"""The schema: root types, limits against abusive queries, and error masking."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.errors import should_mask
from schema.mutations.campaigns import CampaignMutations
from schema.mutations.coupons import CouponMutations
from schema.mutations.data_rights import DataRightsMutations
from schema.mutations.events import EventMutations
from schema.mutations.interactions import InteractionMutations
from schema.mutations.guides import GuideMutations
from schema.mutations.loyalty import LoyaltyMutations
from schema.mutations.members import MemberMutations
from schema.mutations.policy import PolicyMutations
from schema.mutations.sign_in import LinkMutations, SignInMutations
from schema.mutations.stores import StoreMutations
from schema.mutations.tags import TagMutations
from schema.queries import Query


log = logging.getLogger("scrm.graphql")


@strawberry.type
class Mutation(
    SignInMutations, LinkMutations, StoreMutations, GuideMutations, MemberMutations, PolicyMutations, TagMutations,
    DataRightsMutations, LoyaltyMutations, CouponMutations, CampaignMutations,
    EventMutations, InteractionMutations,
):
    pass


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Refusals written for the client are normal traffic; only the unexpected deserve a traceback.
        for error in errors:
            if should_mask(error):
                log.error("unexpected error at %s", error.path, exc_info=error.original_error)


def build_schema(
    *,
    max_depth: int = 10,
    max_tokens: int = 2000,
    max_aliases: int = 15,
    introspection: bool = True,
    query: type = Query,
    mutation: type = Mutation,
) -> strawberry.Schema:
    # Caches and validation rules are built once and shared: a fresh instance per request
    # would start with an empty cache, and new rule objects defeat ValidationCache.
    parser_cache, validation_cache = ParserCache(maxsize=512), ValidationCache(maxsize=512)
    depth = QueryDepthLimiter(max_depth=max_depth)
    aliases = MaxAliasesLimiter(max_alias_count=max_aliases)
    extensions = [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: parser_cache,
        lambda: validation_cache,
        lambda: depth,
        lambda: aliases,
        lambda: MaskErrors(should_mask_error=should_mask, error_message="Internal server error."),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return Schema(
        query=query,
        mutation=mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not introspection),
    )


schema = build_schema()

__all__ = ["build_schema", "schema"]
