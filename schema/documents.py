"""Where a request's parsed and validated document comes from.

A client's operations repeat: from a text's second sight on, its parse, its input checks and its
validation come from caches. A text seen once is parsed, checked and validated in a worker thread by
`prepare` (the HTTP layer calls it before execution) and kept by no cache. Both halves matter under a
flood of unique documents: validating a 100-field document takes ~7 ms of CPU, and several landing
in one turn of the event loop held it 40-60 ms; cached, such documents aged into the collector's
oldest generation, whose collections then walked them all and held the loop 60-180 ms
(bench/loop_hold.py)."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    Visitor,
    parse,
    visit,
)
from graphql.error import GraphQLSyntaxError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.schema import validate_document

# Far more than an app's operations; keys are hashes, so a flood of long texts costs no memory.
_SIGHTINGS = 2048


class Sightings:
    """How often each item was seen lately (a bounded LRU of counts)."""

    def __init__(self, size: int = _SIGHTINGS) -> None:
        self.size = size
        self._counts: OrderedDict[int, int] = OrderedDict()

    def note(self, item: Hashable) -> int:
        """Record one sighting; how many there have been lately, this one included."""
        key = hash(item)
        seen = self._counts.pop(key, 0) + 1
        self._counts[key] = seen
        if len(self._counts) > self.size:
            self._counts.popitem(last=False)
        return seen

    def count(self, item: Hashable) -> int:
        return self._counts.get(hash(item), 0)


# Document texts, noted once per HTTP request before anything else reads the text.
texts = Sightings()
# Parsed documents, noted at validation: texts that differ only in comments or spacing are one
# document there (nodes compare by value), so validation may be cached where parsing is not.
documents = Sightings()


@dataclass(frozen=True)
class Prepared:
    query: str
    document: DocumentNode
    rules: tuple[type[ASTValidationRule], ...]
    errors: list[GraphQLError]


# The document `prepare` made for the request running in this task, if any.
prepared: ContextVar[Prepared | None] = ContextVar("prepared_document", default=None)


def prepare(
    schema: GraphQLSchema, query: str, rules: tuple[type[ASTValidationRule], ...], *, max_tokens: int
) -> Prepared | None:
    """Parse and validate a text without touching any cache (thread-safe). None when it does not
    parse: the executor then refuses it the usual way."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLSyntaxError:
        return None
    return Prepared(query, document, rules, validate_document(schema, document, rules))


class LimitedParserCache(ParserCache):
    """ParserCache that also caps the tokens a document may have (what MaxTokensLimiter does, without
    an extension of its own). The cap is part of the cache key, so it holds for cached documents too.
    Cached documents keep their locations (error messages cite them) but not the lexer's tokens: each
    location pointed into one chain of every token of the document, which the collector then walked
    for every cached document (about half of the objects it tracked under a flood of new documents)."""

    def __init__(self, *, maxsize: int, max_tokens: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_tokens = max_tokens
        self.cached_parse_document = _lean_parse_cache(maxsize)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        ready = prepared.get()
        if ready is not None and ready.query == context.query:
            context.graphql_document = ready.document
        elif texts.count(context.query or "") > 1:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        else:
            context.graphql_document = parse(context.query or "", **context.parse_options)
        yield


class AdmittingValidationCache(ValidationCache):
    """ValidationCache that keeps the result for a document from its second sight on, and takes the
    one `prepare` found when it was validated against the same rules."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None  # strawberry parses before it validates
        ready = prepared.get()
        seen = documents.note(document)
        if ready is not None and ready.document is document and ready.rules == context.validation_rules:
            context.pre_execution_errors = ready.errors
        elif seen > 1:
            yield from super().on_validate()
            return
        else:
            context.pre_execution_errors = validate_document(context.schema._schema, document, context.validation_rules)
        yield


@functools.cache
def _lean_parse_cache(maxsize: int) -> Callable[..., DocumentNode]:
    @functools.lru_cache(maxsize=maxsize)
    def parse_lean(query: str, **options: Any) -> DocumentNode:
        document = parse(query, **options)
        visit(document, _DropTokens())
        return document

    return parse_lean


class _DropTokens(Visitor):
    def enter(self, node: Node, *_: Any) -> None:
        if node.loc is not None:
            # Dropped on purpose (see LimitedParserCache); graphql-core types them as always set.
            node.loc.start_token = node.loc.end_token = None  # type: ignore[assignment]


def root_fields(query: str, operation_name: str | None, *, max_tokens: int) -> frozenset[str] | None:
    """The names of the fields an operation selects at its root, for a text seen before (its parse
    is cached); None when unknown: a text seen once (parsed in a worker thread, not here, on the
    event loop), no such operation, or a fragment at the root."""
    if texts.count(query) < 2:
        return None
    return _root_fields(query, operation_name, max_tokens)


# As many texts as the parser cache keeps; keyed by the text itself: a hash that collided would
# hand one operation's fields to another, and these decide whether the session is read.
@functools.lru_cache(maxsize=128)
def _root_fields(query: str, operation_name: str | None, max_tokens: int) -> frozenset[str] | None:
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    if len(operations) != 1:
        return None
    names = set()
    for selection in operations[0].selection_set.selections:
        if not isinstance(selection, FieldNode):
            return None
        names.add(selection.name.value)
    return frozenset(names)
