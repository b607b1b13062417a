"""What a request may cost before anything runs: documents are bounded in selections, new documents
are counted per client address, and QR images per request (tests/referral/test_guides.py)."""

from __future__ import annotations

import uuid

from server.app import create_app
from server.ratelimit import Rate
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
