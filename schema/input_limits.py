"""Every text a client sends has a ceiling, and no text may hold NUL: checked in one place, before a
request runs (so before any database call or log line sees it), for values written in the document
and values sent as variables alike.

The ceilings are written into the schema's descriptions ("At most N characters."), so clients read
them where they read the argument. A domain rule may be stricter (a title of 1-80 characters) and
answers with its own typed error; the ceiling is the outer wall: PostgreSQL refuses NUL and longer
text than its columns hold, and a megabyte of text should cost nothing to refuse.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    ParallelVisitor,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    parse,
    visit,
)
from graphql.error import GraphQLSyntaxError
from graphql.utilities import type_from_ast

INPUT_TOO_LONG = "INPUT_TOO_LONG"
INPUT_INVALID = "INPUT_INVALID"
QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
QR_LIMIT_REACHED = "QR_LIMIT_REACHED"
QR_TYPE = "QrImage"
# QR images one request may ask for: a page shows a few; 15 aliases x 100 members asked for 1,500
# and held a worker for 16 s.
MAX_QR_IMAGES = 20
# Field selections in one document, fragments included: the introspection query has 67, the
# mini-program's largest operation about 30. Validating 100 costs ~10 ms of the event loop.
MAX_SELECTIONS = 100
# By scalar, where the table below says nothing: above every domain rule's own limit, so those still
# answer with their precise codes. IDs are base64 of "Type:number": 60 characters at most.
DEFAULTS = {"ID": 200, "String": 1000, "JSON": 20_000}
# Where the default is wrong: tokens and free text are longer, text no domain rule checks is held to
# what its column stores.
LIMITS: dict[str, int] = {
    "Mutation.signInWithLine.idToken": 4096,
    "Mutation.linkLine.idToken": 4096,
    "Mutation.signInWithLine.nonce": 128,
    "Mutation.linkLine.nonce": 128,
    "Mutation.signInWithWechat.brand": 40,
    "Mutation.signInWithLine.brand": 40,
    "Mutation.signInStaff.brand": 40,
    "Mutation.devSignIn.brand": 40,
    "Mutation.devSignIn.subject": 64,
    "Mutation.signInStaff.username": 64,
    "Mutation.signInStaff.password": 256,
    "Mutation.checkInTicket.ticket": 64,
    "Query.myMembers.search": 64,
    "Query.attribution.registrationTag": 64,
    "EventInput.description": 10_000,
}


def limit_of(key: str, scalar: str) -> int | None:
    return LIMITS.get(key, DEFAULTS.get(scalar))


def document(schema: GraphQLSchema) -> None:
    """Write each argument's and input field's ceiling into its description."""

    def note(owner: Any, key: str, type_: GraphQLInputType) -> None:
        scalar = _named(type_)
        if owner.description and "At most " in owner.description:
            return  # documented already (the same objects seen through another schema build)
        if isinstance(scalar, GraphQLScalarType) and (limit := limit_of(key, scalar.name)) is not None:
            unit = "characters once serialised" if scalar.name == "JSON" else "characters"
            owner.description = f"{owner.description + ' ' if owner.description else ''}At most {limit:,} {unit}."

    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            for name, input_field in type_.fields.items():
                note(input_field, f"{type_.name}.{name}", input_field.type)
        elif hasattr(type_, "fields"):
            for field_name, field_def in type_.fields.items():
                for name, arg in field_def.args.items():
                    note(arg, f"{type_.name}.{field_name}.{name}", arg.type)


# Multiplier = a literal `first`, a variable's name, or the argument's default.
Multiplier = int | str


@dataclass
class _Plan:
    """What a document needs checked: refusals found in its text, the ceiling of each variable, and
    where it asks for QR images (each place: the `first` of every enclosing page)."""

    errors: list[GraphQLError] = field(default_factory=list)
    variables: dict[str, int] = field(default_factory=dict)  # a scalar variable: the lowest ceiling of its uses
    qr_images: list[list[Multiplier]] = field(default_factory=list)
    variable_types: dict[str, GraphQLInputType] = field(default_factory=dict)


def check(
    schema: GraphQLSchema, query: str, variables: dict[str, Any] | None, *, max_tokens: int, cached: bool
) -> GraphQLError | None:
    """The first refusal for this request's text, or None. A document that does not parse (or has more
    than `max_tokens`, the server's own cap) is left to the executor, which refuses it the usual way.
    Uncached, it touches no shared state and may run in a worker thread (see schema/documents.py)."""
    plan = (_cached_plan if cached else _plan)(schema, query, max_tokens)
    if plan is None:
        return None
    if plan.errors:
        return plan.errors[0]
    if _qr_images(plan, variables or {}) > MAX_QR_IMAGES:
        # Counted from the document, before any image is drawn (the resolver counts again, as a backstop).
        return GraphQLError(f"At most {MAX_QR_IMAGES} QR images per request.", extensions={"code": QR_LIMIT_REACHED})
    for name, value in (variables or {}).items():
        found = _variable_refusal(name, value, plan)
        if found is not None:
            return found
    return None


def _plan(schema: GraphQLSchema, query: str, max_tokens: int) -> _Plan | None:
    try:
        ast = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLSyntaxError:
        return None
    plan = _Plan()
    counter = _FieldCounter()
    visit(ast, counter)
    if counter.fields > MAX_SELECTIONS:
        # Validation of repeated fields grows with their square (170-430 ms for 2,000): refused first.
        plan.errors.append(
            GraphQLError(
                f"A document may select at most {MAX_SELECTIONS} fields.", extensions={"code": QUERY_TOO_LARGE}
            )
        )
        return plan
    info = TypeInfo(schema)
    visit(ast, TypeInfoVisitor(info, ParallelVisitor([_ArgumentVisitor(info, plan), _QrCounter(info, plan)])))
    for definition in ast.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                found = type_from_ast(schema, variable.type)
                if found is not None:
                    # A variable's declared type is an input type in a valid document.
                    plan.variable_types[variable.variable.name.value] = found  # type: ignore[assignment]
    return plan


_cached_plan = lru_cache(maxsize=256)(_plan)


def _qr_images(plan: _Plan, variables: dict[str, Any]) -> int:
    total = 0
    for pages in plan.qr_images:
        count = 1
        for size in pages:
            value = variables.get(size) if isinstance(size, str) else size
            count *= value if isinstance(value, int) and value > 0 else 1
        total += count
    return total


class _QrCounter(Visitor):
    """Each field that returns a QR image, with the page sizes (`first`) of the fields around it."""

    def __init__(self, info: TypeInfo, plan: _Plan) -> None:
        super().__init__()
        self.info, self.plan = info, plan
        self.pages: list[Multiplier | None] = []

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        definition = self.info.get_field_def()
        size: Multiplier | None = None
        if definition is not None and "first" in definition.args:
            given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
            if isinstance(given, IntValueNode):
                size = int(given.value)
            elif isinstance(given, VariableNode):
                size = given.name.value
            else:
                default = definition.args["first"].default_value
                size = default if isinstance(default, int) else None
        self.pages.append(size)
        if definition is not None and getattr(_named(definition.type), "name", None) == QR_TYPE:
            self.plan.qr_images.append([s for s in self.pages if s is not None])

    def leave_field(self, *_: Any) -> None:
        self.pages.pop()


class _FieldCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.fields = 0

    def enter_field(self, *_: Any) -> None:
        self.fields += 1


class _ArgumentVisitor(Visitor):
    def __init__(self, info: TypeInfo, plan: _Plan) -> None:
        super().__init__()
        self.info, self.plan = info, plan

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        parent, definition = self.info.get_parent_type(), self.info.get_argument()
        if parent is None or definition is None:
            return  # unknown: validation will say so
        owner = f"{parent.name}.{_current_field(self.info)}.{node.name.value}"
        self._walk(node.value, definition.type, owner, node.name.value)

    def _walk(self, value: ValueNode, type_: GraphQLInputType, key: str, path: str) -> None:
        named = _named(type_)
        if isinstance(value, VariableNode):
            if isinstance(named, GraphQLScalarType) and (limit := limit_of(key, named.name)) is not None:
                name = value.name.value
                self.plan.variables[name] = min(limit, self.plan.variables.get(name, limit))
        elif isinstance(value, ListValueNode):
            for item in value.values:
                self._walk(item, _unwrap_list(type_), key, path)
        elif isinstance(value, ObjectValueNode) and isinstance(named, GraphQLInputObjectType):
            for object_field in value.fields:
                input_field = named.fields.get(object_field.name.value)
                if input_field is not None:
                    self._walk(
                        object_field.value,
                        input_field.type,
                        f"{named.name}.{object_field.name.value}",
                        f"{path}.{object_field.name.value}",
                    )
        elif isinstance(value, StringValueNode) and isinstance(named, GraphQLScalarType):
            refusal = _text_refusal(value.value, limit_of(key, named.name), path)
            if refusal is not None:
                self.plan.errors.append(refusal)


def _current_field(info: TypeInfo) -> str:
    definition = info.get_field_def()
    parent = info.get_parent_type()
    if definition is None or parent is None:
        return "?"
    return next((name for name, f in parent.fields.items() if f is definition), "?")


def _variable_refusal(name: str, value: Any, plan: _Plan) -> GraphQLError | None:
    type_ = plan.variable_types.get(name)
    if type_ is None:
        return None  # unknown variable: the executor refuses it
    named = _named(type_)
    if isinstance(named, GraphQLScalarType):
        return next(_refusals(value, plan.variables.get(name), f"${name}", named.name == "JSON"), None)
    return next(_input_refusals(value, type_, f"${name}"), None)


def _input_refusals(value: Any, type_: GraphQLInputType, path: str) -> Iterator[GraphQLError]:
    named = _named(type_)
    if isinstance(value, list):
        for item in value:
            yield from _input_refusals(item, _unwrap_list(type_), path)
    elif isinstance(named, GraphQLInputObjectType) and isinstance(value, dict):
        for key, item in value.items():
            input_field = named.fields.get(key)
            if input_field is None:
                continue
            inner = _named(input_field.type)
            if isinstance(inner, GraphQLScalarType):
                yield from _refusals(
                    item, limit_of(f"{named.name}.{key}", inner.name), f"{path}.{key}", inner.name == "JSON"
                )
            else:
                yield from _input_refusals(item, input_field.type, f"{path}.{key}")


def _refusals(value: Any, limit: int | None, path: str, serialised: bool = False) -> Iterator[GraphQLError]:
    if serialised and value is not None:
        text = json.dumps(value, ensure_ascii=False)
        if limit is not None and len(text) > limit:
            yield _too_long(path, limit)
        return
    if isinstance(value, list):
        for item in value:
            yield from _refusals(item, limit, path)
    elif isinstance(value, str) and (refusal := _text_refusal(value, limit, path)) is not None:
        yield refusal


def _text_refusal(text: str, limit: int | None, path: str) -> GraphQLError | None:
    if "\x00" in text:
        return GraphQLError(f"{path}: text may not contain NUL characters.", extensions={"code": INPUT_INVALID})
    if limit is not None and len(text) > limit:
        return _too_long(path, limit)
    return None


def _too_long(path: str, limit: int) -> GraphQLError:
    return GraphQLError(f"{path}: at most {limit:,} characters.", extensions={"code": INPUT_TOO_LONG})


def _named(type_: Any) -> Any:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_


def _unwrap_list(type_: Any) -> Any:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return type_.of_type if isinstance(type_, GraphQLList) else type_
