"""What a request may cost before anything runs: documents are bounded in selections, new documents
are counted per client address, and QR images per request (tests/referral/test_guides.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from foundation.ratelimit import Rate
from schema.root import Schema, build_schema
from server.app import create_app
from tests.client import GraphQLClient
from tests.conftest import make_settings

YEAR = 365 * 24 * 3600


async def test_a_document_of_too_many_fields_is_refused_before_validation(client: GraphQLClient) -> None:
    tag = uuid.uuid4().hex
    fine = await client.post(f"# {tag}\n{{ {' '.join(['__typename'] * 100)} }}")
    assert fine.status == 200 and fine.data == {"__typename": "Query"}
    heavy = await client.post(f"# {tag}\n{{ {' '.join(['__typename'] * 101)} }}")
    assert heavy.status == 400 and heavy.error_codes == ["QUERY_TOO_LARGE"] and heavy.data is None


async def test_new_documents_are_counted_per_address_and_known_ones_are_free(db, upstream, clock) -> None:
    settings = make_settings(upstream, rate_limits={"new-document.ip": Rate(3, YEAR)})
    tag = uuid.uuid4().hex
    documents = [f"# {tag} {n}\n{{ __typename }}" for n in range(4)]
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as client:
        first = [await client.post(d) for d in documents[:3]]
        assert [r.status for r in first] == [200, 200, 200]
        stopped = await client.post(documents[3])
        assert stopped.status == 429 and stopped.error_codes == ["RATE_LIMITED"]
        # A document the server already knows costs nothing more: always answered.
        again = [await client.post(d) for d in documents[:3] * 3]
        assert [r.status for r in again] == [200] * 9


async def test_a_document_enters_the_caches_on_its_second_sight(client: GraphQLClient) -> None:
    # A flood of unique documents must not age into the collector's oldest generation (schema/documents.py).
    from strawberry.extensions.validation_cache import _get_validate_cache

    from schema.documents import _lean_parse_cache

    parsed, validated = _lean_parse_cache(128), _get_validate_cache(128)
    document = f"{{ t{uuid.uuid4().hex}: __typename }}"

    def misses() -> tuple[int, int]:
        return parsed.cache_info().misses, validated.cache_info().misses

    before = misses()
    first = await client.post(document)
    assert first.status == 200 and first.data is not None and misses() == before
    second = await client.post(document)
    assert second.data == first.data and misses() == (before[0] + 1, before[1] + 1)
    hits = parsed.cache_info().hits, validated.cache_info().hits
    third = await client.post(document)
    assert third.data == first.data and misses() == (before[0] + 1, before[1] + 1)
    assert (parsed.cache_info().hits, validated.cache_info().hits) == (hits[0] + 1, hits[1] + 1)


async def test_a_new_document_is_refused_as_a_known_one_is(client: GraphQLClient) -> None:
    # The first sight is validated before execution, the second by the executor: same answer.
    document = f"{{ t{uuid.uuid4().hex}: me {{ roles }} notAField }}"
    first, second = await client.post(document), await client.post(document)
    assert first.status == second.status == 400
    assert first.errors == second.errors and "notAField" in first.errors[0]["message"]


def test_documents_validated_before_execution_use_the_executors_rules() -> None:
    for introspection in (True, False):
        built, used = _rules_used(introspection)
        assert used == [built.validation_rules]


def _rules_used(introspection: bool) -> tuple[Schema, list[tuple[type, ...]]]:
    """The rules one execution validates with, as an extension sees them."""
    seen: list[tuple[type, ...]] = []

    class Capture(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            seen.append(self.execution_context.validation_rules)
            yield

    built = build_schema(introspection=introspection)
    built.extensions = (*built.extensions, Capture)
    built.execute_sync("{ __typename }")
    return built, seen
