"""Every operation x every role x own brand / other brand."""

from dataclasses import dataclass, field

import pytest

from referral.models import Store
from schema.root import schema
from tests import factories
from tests.factories import Cast

ROLES = ["anonymous", "consumer", "guide", "guide_manager", "store_manager", "hq"]
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
# Sign-in is how a caller gets a role, so it is open to everyone.
PUBLIC = {"signInWithWechat", "signInWithLine", "signInStaff", "devSignIn"}


@dataclass(frozen=True)
class Op:
    query: str
    allowed: frozenset[str]
    needs_store_id: bool = False
    writes: bool = False
    variables: dict = field(default_factory=dict)


MATRIX = {
    "me": Op("{ me { roles brand { slug } } }", SIGNED_IN),
    "stores": Op("{ stores { nodes { code } } }", SIGNED_IN),
    "store": Op("query($id: ID!) { store(id: $id) { code } }", SIGNED_IN, needs_store_id=True),
    "createStore": Op(
        'mutation { createStore(input: {code: "NEW", name: "New store"}) { store { code } errors { code } } }',
        frozenset({"hq"}), writes=True,
    ),
}


def test_every_operation_is_in_the_matrix() -> None:
    root_fields = {f.name for f in schema.schema_converter.type_map["Query"].definition.fields}  # type: ignore[attr-defined]
    root_fields |= {f.name for f in schema.schema_converter.type_map["Mutation"].definition.fields}  # type: ignore[attr-defined]
    names = {schema.config.name_converter.apply_naming_config(n) for n in root_fields}
    assert names == set(MATRIX) | PUBLIC


@pytest.fixture
async def casts(db, settings) -> tuple[Cast, Cast]:
    return await factories.cast(settings, "alpha"), await factories.cast(settings, "beta")


def _variables(op: Op, target: Cast) -> dict:
    from schema import ids

    return {"id": ids.encode("Store", target.store.id)} if op.needs_store_id else {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", MATRIX)
async def test_role_may_or_may_not_call_operation_in_own_brand(client, casts, name, role) -> None:
    alpha, _ = casts
    op = MATRIX[name]
    token = None if role == "anonymous" else alpha.tokens[role]
    stores_before = await Store.all().count()

    response = await client.post(op.query, _variables(op, alpha), token=token)

    assert response.status == 200
    if role in op.allowed:
        assert response.errors == [], response.body
        assert response.data[name] is not None
    else:
        assert response.data == {name: None}
        assert response.error_codes == ["UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"]
        assert await Store.all().count() == stores_before


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
async def test_no_role_sees_another_brands_data(client, casts, role) -> None:
    alpha, beta = casts
    token = beta.tokens[role]

    me = await client.ok(MATRIX["me"].query, token=token)
    listed = await client.ok(MATRIX["stores"].query, token=token)
    foreign = await client.ok(MATRIX["store"].query, _variables(MATRIX["store"], alpha), token=token)
    own = await client.ok(MATRIX["store"].query, _variables(MATRIX["store"], beta), token=token)

    assert me["me"]["brand"]["slug"] == "beta"
    assert listed["stores"]["nodes"] == [{"code": "MAIN"}]
    assert await Store.filter(brand_id=alpha.brand.id).count() == 1
    assert foreign == {"store": None}
    assert own == {"store": {"code": "MAIN"}}


async def test_hq_writes_land_in_its_own_brand_only(client, casts) -> None:
    alpha, beta = casts
    created = await client.mutate("createStore", MATRIX["createStore"].query, token=beta.tokens["hq"])
    assert created == {"store": {"code": "NEW"}, "errors": []}
    assert await Store.filter(brand_id=beta.brand.id, code="NEW").count() == 1
    assert await Store.filter(brand_id=alpha.brand.id, code="NEW").count() == 0


async def test_a_token_names_its_brand_so_ids_cannot_cross(client, casts, settings) -> None:
    alpha, beta = casts
    # A member of beta presenting alpha's store id gets nothing, whichever id it tries.
    from schema import ids

    for store_id in range(1, 6):
        response = await client.ok(MATRIX["store"].query, {"id": ids.encode("Store", store_id)}, token=beta.tokens["consumer"])
        store = await Store.get_or_none(id=store_id)
        if store is None or store.brand_id != beta.brand.id:
            assert response == {"store": None}
