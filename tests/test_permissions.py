"""Every operation x every role x own brand / other brand."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from events.models import Audience
from events.services import events as events_service
from referral.models import Guide, GuideBinding, Member, Store, StoreEnrolment, Touch
from referral.services import tags
from schema import ids
from schema.root import schema
from server.app import create_app
from tests import factories
from tests.client import GraphQLClient
from tests.conftest import empty, make_settings, rolled_back
from tests.factories import Cast

ROLES = ["anonymous", "consumer", "guide", "guide_manager", "store_manager", "hq"]
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
# Sign-in is how a caller gets a role, so it is open to everyone.
PUBLIC = {"signInWithWechat", "signInWithLine", "signInStaff", "devSignIn"}


STORE_STAFF = frozenset({"guide_manager", "store_manager", "hq"})
CONSUMERS = frozenset({"consumer", "guide", "guide_manager"})
HQ = frozenset({"hq"})
GUIDES = frozenset({"guide", "guide_manager"})
PERIOD = '(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z"'


def _id(type_name: str, pk: int) -> str:
    return ids.encode(type_name, pk)


def no_variables(cast: Cast) -> dict:
    return {}


@dataclass(frozen=True)
class Op:
    query: str
    allowed: frozenset[str]
    variables: Callable[[Cast], dict] = no_variables


MATRIX = {
    "me": Op("{ me { roles brand { slug } } }", SIGNED_IN),
    "stores": Op("{ stores { nodes { code } } }", SIGNED_IN),
    "store": Op("query($id: ID!) { store(id: $id) { code } }", SIGNED_IN, lambda c: {"id": _id("Store", c.store.id)}),
    "createStore": Op(
        'mutation { createStore(input: {code: "NEW", name: "New store"}) { store { code } errors { code } } }', HQ
    ),
    "guides": Op("{ guides { nodes { inviteCode } } }", STORE_STAFF),
    "member": Op("query($id: ID!) { member(id: $id) { id } }", HQ, lambda c: {"id": _id("Member", c.consumer.id)}),
    "ancestors": Op(
        "query($id: ID!) { ancestors(memberId: $id) { depth } }", HQ, lambda c: {"id": _id("Member", c.consumer.id)}
    ),
    "descendants": Op(
        "query($id: ID!) { descendants(guideId: $id) { total } }", HQ, lambda c: {"id": _id("Guide", c.guide.id)}
    ),
    "referralPolicy": Op("{ referralPolicy { inviteUrlBase } }", HQ),
    "createEnrolmentQr": Op(
        "mutation($s: ID!) { createEnrolmentQr(storeId: $s) { enrolment { token } errors { code } } }",
        STORE_STAFF,
        lambda c: {"s": _id("Store", c.store.id)},
    ),
    "revokeEnrolmentQr": Op(
        "mutation($e: ID!) { revokeEnrolmentQr(id: $e) { enrolment { revokedAt } errors { code } } }",
        STORE_STAFF,
        lambda c: {"e": _id("Enrolment", c.enrolment.id)},
    ),
    "enrolAsGuide": Op('mutation { enrolAsGuide(token: "E1.1.x") { guide { id } errors { code } } }', CONSUMERS),
    "approveGuide": Op(
        "mutation($g: ID!) { approveGuide(guideId: $g) { guide { id } errors { code } } }",
        STORE_STAFF,
        lambda c: {"g": _id("Guide", c.guide.id)},
    ),
    "deactivateGuide": Op(
        "mutation($g: ID!) { deactivateGuide(guideId: $g) { guide { status } errors { code } } }",
        STORE_STAFF,
        lambda c: {"g": _id("Guide", c.guide.id)},
    ),
    "reassignMembers": Op(
        "mutation($g: ID!) { reassignMembers(fromGuideId: $g, toGuideId: $g) { moved errors { code } } }",
        HQ,
        lambda c: {"g": _id("Guide", c.guide.id)},
    ),
    "register": Op("mutation { register(input: {}) { member { id } errors { code } } }", CONSUMERS),
    "scanCode": Op(
        "mutation($c: String!) { scanCode(code: $c) { switched errors { code } } }",
        CONSUMERS,
        lambda c: {"c": c.guide.invite_code},
    ),
    "updateProfile": Op(
        'mutation { updateProfile(input: {city: "Hangzhou"}) { member { city } errors { code } } }', CONSUMERS
    ),
    "attribution": Op("{ attribution" + PERIOD + ", by: GUIDE) { key newMembers } }", STORE_STAFF),
    "demographics": Op("{ demographics(by: CITY) { key members buyers } }", STORE_STAFF),
    "cohorts": Op('{ cohorts(from: "2026-01-01", months: 2) { month members cells { buyers } } }', STORE_STAFF),
    "repurchase": Op("{ repurchase" + PERIOD + ") { buyers rate } }", STORE_STAFF),
    "rfm": Op("{ rfm" + PERIOD + ") { name members } }", STORE_STAFF),
    "eventEffect": Op(
        "query($e: ID!) { eventEffect(eventId: $e) { days groups { group members } } }",
        HQ,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "attributionSeries": Op(
        "{ attributionSeries" + PERIOD + ", grain: WEEK) { start figures { purchases } } }", STORE_STAFF
    ),
    "leaderboard": Op("{ leaderboard" + PERIOD + ", metric: REVENUE_CENTS) { key } }", HQ),
    "funnel": Op("{ funnel { stage members } }", STORE_STAFF),
    "myMembers": Op("{ myMembers { nodes { id } } }", GUIDES),
    "myFigures": Op("{ myFigures" + PERIOD + ") { newMembers } }", GUIDES),
    "tags": Op("{ tags { name } }", HQ),
    "myData": Op("{ myData }", CONSUMERS),
    "createTag": Op('mutation { createTag(name: "VIC") { tag { name } errors { code } } }', HQ),
    "tagMember": Op(
        "mutation($m: ID!, $t: ID!) { tagMember(memberId: $m, tagId: $t) { ok errors { code } } }",
        HQ,
        lambda c: {"m": _id("Member", c.consumer.id), "t": _id("Tag", 1)},
    ),
    "untagMember": Op(
        "mutation($m: ID!, $t: ID!) { untagMember(memberId: $m, tagId: $t) { ok errors { code } } }",
        HQ,
        lambda c: {"m": _id("Member", c.consumer.id), "t": _id("Tag", 1)},
    ),
    "linkWechat": Op('mutation { linkWechat(code: "abc") { token errors { code } } }', CONSUMERS),
    "linkLine": Op('mutation { linkLine(idToken: "abc") { token errors { code } } }', CONSUMERS),
    "createCodeBatch": Op(
        'mutation { createCodeBatch(input: {sku: "MILK-1", productName: "Milk 1", quantity: 10, priceCents: 100, '
        "pointsPerItem: 5}) { batch { id } errors { code } } }",
        HQ,
    ),
    "revokeCodeBatch": Op(
        "mutation($b: ID!) { revokeCodeBatch(id: $b) { batch { id } errors { code } } }",
        HQ,
        lambda c: {"b": _id("CodeBatch", 1)},
    ),
    "claimItemCode": Op('mutation { claimItemCode(code: "00") { claim { id } errors { code } } }', CONSUMERS),
    "myCoupons": Op("{ myCoupons { nodes { code } } }", CONSUMERS),
    "createCouponTemplate": Op(
        'mutation { createCouponTemplate(input: {name: "Gift", kind: GIFT, validDays: 30}) { template { id } errors { code } } }',
        HQ,
    ),
    "issueCoupon": Op(
        "mutation($t: ID!, $m: ID!) { issueCoupon(templateId: $t, memberId: $m) { coupon { id } errors { code } } }",
        HQ,
        lambda c: {"t": _id("CouponTemplate", 1), "m": _id("Member", c.consumer.id)},
    ),
    "writeOffCoupon": Op('mutation { writeOffCoupon(code: "C0000000000") { coupon { id } errors { code } } }', GUIDES),
    "recordStorePurchase": Op(
        'mutation { recordStorePurchase(input: {receiptNumber: "R-1", memberCode: "NOBODY", '
        'items: [{sku: "NONE", price: 100}]}) { purchase { receiptNumber } errors { code } } }',
        GUIDES,
    ),
    "importOrders": Op(
        'mutation { importOrders(input: {orders: [{orderNumber: "X-1", orderedAt: "2026-01-01T00:00:00Z", '
        'items: [{sku: "NONE", price: 100}]}]}) { result { imported } errors { code } } }',
        HQ,
    ),
    "returnImportedOrder": Op(
        'mutation { returnImportedOrder(input: {orderNumber: "X-1", reason: "r"}) { order { orderNumber } '
        "errors { code } } }",
        HQ,
    ),
    "importedOrders": Op("{ importedOrders { nodes { orderNumber } } }", HQ),
    "returnStorePurchase": Op(
        'mutation { returnStorePurchase(input: {receiptNumber: "R-1", reason: "back"}) { purchase { points } '
        "errors { code } } }",
        STORE_STAFF,
    ),
    "cancelCoupon": Op(
        "mutation($c: ID!) { cancelCoupon(couponId: $c) { coupon { id } errors { code } } }",
        HQ,
        lambda c: {"c": _id("Coupon", 1)},
    ),
    "buyCoupon": Op(
        "mutation($t: ID!) { buyCoupon(templateId: $t) { coupon { id } errors { code } } }",
        CONSUMERS,
        lambda c: {"t": _id("CouponTemplate", 1)},
    ),
    "myPoints": Op("{ myPoints { balance debt expiring ledger { nodes { points } } } }", CONSUMERS),
    "campaigns": Op("{ campaigns { nodes { name } } }", HQ),
    "createCampaign": Op(
        'mutation { createCampaign(input: {name: "Welcome", startsAt: "2026-01-01T00:00:00Z", endsAt: "2027-01-01T00:00:00Z", '
        "points: 10, firstPurchase: true}) { campaign { id } errors { code } } }",
        HQ,
    ),
    "stopCampaign": Op(
        "mutation($c: ID!) { stopCampaign(id: $c) { campaign { id } errors { code } } }",
        HQ,
        lambda c: {"c": _id("Campaign", 1)},
    ),
    "reverseClaim": Op(
        'mutation($c: ID!) { reverseClaim(claimId: $c, reason: "returned") { pointsTaken errors { code } } }',
        HQ,
        lambda c: {"c": _id("Claim", 1)},
    ),
    "itemCode": Op('{ itemCode(code: "00") { claim { id } errors { code } } }', HQ),
    "divertedClaims": Op("{ divertedClaims { nodes { id } } }", HQ),
    "suspiciousScans": Op("{ suspiciousScans { nodes { id } } }", HQ),
    "flaggedBatches": Op("{ flaggedBatches { claims } }", HQ),
    "referralRings": Op("{ referralRings { sharedBy invitations } }", HQ),
    "fastClaimers": Op("{ fastClaimers" + PERIOD + ") { burst } }", HQ),
    "guideWriteOffOutliers": Op("{ guideWriteOffOutliers" + PERIOD + ") { writeOffs } }", HQ),
    "events": Op("{ events { nodes { title } } }", STORE_STAFF),
    "eventInteractions": Op(
        "query($e: ID!) { eventInteractions(eventId: $e) { question } }",
        SIGNED_IN,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "createEventInteraction": Op(
        'mutation($e: ID!) { createEventInteraction(eventId: $e, input: {kind: POLL, question: "Best time?", '
        'options: ["9am", "3pm"]}) { interaction { id } errors { code } } }',
        STORE_STAFF,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "closeEventInteraction": Op(
        "mutation($i: ID!) { closeEventInteraction(id: $i) { interaction { id } errors { code } } }",
        STORE_STAFF,
        lambda c: {"i": _id("Interaction", 1)},
    ),
    "drawEventInteraction": Op(
        "mutation($i: ID!) { drawEventInteraction(id: $i) { interaction { id } errors { code } } }",
        STORE_STAFF,
        lambda c: {"i": _id("Interaction", 1)},
    ),
    "answerEventInteraction": Op(
        "mutation($i: ID!) { answerEventInteraction(id: $i, option: 0) { correct errors { code } } }",
        CONSUMERS,
        lambda c: {"i": _id("Interaction", 1)},
    ),
    "eventAttribution": Op("{ eventAttribution" + PERIOD + ", by: EVENT) { key signUps } }", STORE_STAFF),
    "event": Op("query($e: ID!) { event(id: $e) { title } }", SIGNED_IN, lambda c: {"e": _id("Event", c.event.id)}),
    "node": Op(
        "query($id: ID!) { node(id: $id) { __typename id } }", SIGNED_IN, lambda c: {"id": _id("Store", c.store.id)}
    ),
    "upcomingEvents": Op("{ upcomingEvents { nodes { title } } }", CONSUMERS),
    "myEventRegistrations": Op("{ myEventRegistrations { nodes { status } } }", CONSUMERS),
    "eventRegistrations": Op(
        "query($e: ID!) { eventRegistrations(eventId: $e) { nodes { status } } }",
        STORE_STAFF,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "eventCheckInCode": Op(
        "query($e: ID!) { eventCheckInCode(eventId: $e) { code errors { code } } }",
        STORE_STAFF,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "createEvent": Op(
        'mutation { createEvent(input: {title: "Baby yoga", startsAt: "2030-01-10T02:00:00Z", endsAt: "2030-01-10T04:00:00Z", '
        'capacity: 20, place: "Store"}) { event { id } errors { code } } }',
        STORE_STAFF,
    ),
    "updateEvent": Op(
        'mutation($e: ID!) { updateEvent(id: $e, input: {title: "Baby yoga", startsAt: "2030-01-10T02:00:00Z", '
        'endsAt: "2030-01-10T04:00:00Z", capacity: 20, place: "Store"}) { event { id } errors { code } } }',
        STORE_STAFF,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "publishEvent": Op(
        "mutation($e: ID!) { publishEvent(id: $e) { event { id } errors { code } } }",
        STORE_STAFF,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "cancelEvent": Op(
        "mutation($e: ID!) { cancelEvent(id: $e) { event { id } errors { code } } }",
        STORE_STAFF,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "signUpForEvent": Op(
        "mutation($e: ID!) { signUpForEvent(eventId: $e) { registration { id } errors { code } } }",
        CONSUMERS,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "cancelEventSignUp": Op(
        "mutation($e: ID!) { cancelEventSignUp(eventId: $e) { registration { id } errors { code } } }",
        CONSUMERS,
        lambda c: {"e": _id("Event", c.event.id)},
    ),
    "inviteToEvent": Op(
        "mutation($e: ID!, $m: ID!) { inviteToEvent(eventId: $e, memberIds: [$m]) { invited errors { code } } }",
        GUIDES,
        lambda c: {"e": _id("Event", c.event.id), "m": _id("Member", c.consumer.id)},
    ),
    "checkInAtEvent": Op(
        'mutation { checkInAtEvent(code: "V1.1.x") { registration { id } errors { code } } }', CONSUMERS
    ),
    "checkInTicket": Op(
        'mutation { checkInTicket(ticket: "T0000000000") { registration { id } errors { code } } }', GUIDES
    ),
    "deleteMyAccount": Op("mutation { deleteMyAccount(confirm: true) { ok errors { code } } }", CONSUMERS),
    "staffAccounts": Op("{ staffAccounts { nodes { username } } }", HQ),
    # Staff account 1 is alpha's store manager (factories.cast creates it first).
    "createStoreManagerAccount": Op(
        'mutation($s: ID!) { createStoreManagerAccount(storeId: $s, username: "new-mgr", password: "long enough password") '
        "{ account { username } errors { code } } }",
        HQ,
        lambda c: {"s": _id("Store", c.store.id)},
    ),
    "setStaffPassword": Op(
        'mutation($a: ID!) { setStaffPassword(staffId: $a, password: "another long password") { account { username } errors { code } } }',
        HQ,
        lambda c: {"a": _id("StaffAccount", 1)},
    ),
    "deactivateStaffAccount": Op(
        "mutation($a: ID!) { deactivateStaffAccount(staffId: $a) { account { isActive } errors { code } } }",
        HQ,
        lambda c: {"a": _id("StaffAccount", 1)},
    ),
    "reactivateStaffAccount": Op(
        "mutation($a: ID!) { reactivateStaffAccount(staffId: $a) { account { isActive } errors { code } } }",
        HQ,
        lambda c: {"a": _id("StaffAccount", 1)},
    ),
    "revokeStaffSessions": Op(
        "mutation($a: ID!) { revokeStaffSessions(staffId: $a) { account { isActive } errors { code } } }",
        HQ,
        lambda c: {"a": _id("StaffAccount", 1)},
    ),
    "updateReferralPolicy": Op(
        "mutation { updateReferralPolicy(input: {allowGuideSwitch: true}) { policy { allowGuideSwitch } errors { code } } }",
        HQ,
    ),
    "setItemUrlBase": Op(
        'mutation { setItemUrlBase(url: "https://mp.acme.example/i") { itemUrlBase errors { code } } }', HQ
    ),
    "setAllowedOrigins": Op(
        'mutation { setAllowedOrigins(origins: ["https://liff.example.com"]) { brand { allowedOrigins } errors { code } } }',
        HQ,
    ),
    "verifyPhoneWithWechat": Op(
        'mutation { verifyPhoneWithWechat(code: "no-such-code") { member { phone } errors { code } } }', CONSUMERS
    ),
    "recordSubscribeResults": Op(
        'mutation { recordSubscribeResults(results: [{templateId: "tpl-unknown", result: ACCEPT}]) '
        "{ credits { available } errors { code } } }",
        CONSUMERS,
    ),
    "mySubscribeCredits": Op("{ mySubscribeCredits { templateId available } }", CONSUMERS),
    "members": Op('{ members(search: "mum") { nodes { id } } }', STORE_STAFF),
    "codeBatches": Op("{ codeBatches { nodes { sku } } }", HQ),
    "couponTemplates": Op("{ couponTemplates { nodes { name } } }", SIGNED_IN),
    "segmentPreview": Op(
        'query { segmentPreview(condition: {city: "上海"}) { count } }', GUIDES | frozenset({"store_manager", "hq"})
    ),
    "segments": Op("{ segments { nodes { name } } }", STORE_STAFF),
    "saveSegment": Op(
        'mutation { saveSegment(name: "Shanghai", condition: {city: "上海"}) { count errors { code } } }', STORE_STAFF
    ),
    "broadcasts": Op("{ broadcasts { nodes { name } } }", HQ),
    "createBroadcast": Op(
        'mutation { createBroadcast(input: {name: "Hi", segmentId: "U2VnbWVudDo5OTk=", title: "Hi", body: "Hi"}) '
        "{ broadcast { id } errors { code } } }",
        HQ,
    ),
    "cancelBroadcast": Op(
        'mutation { cancelBroadcast(broadcastId: "QnJvYWRjYXN0Ojk5OQ==") { broadcast { id } errors { code } } }', HQ
    ),
    "sendTestBroadcast": Op(
        'mutation { sendTestBroadcast(broadcastId: "QnJvYWRjYXN0Ojk5OQ==", memberId: "TWVtYmVyOjk5OQ==") '
        "{ route errors { code } } }",
        HQ,
    ),
    "myTasks": Op("{ myTasks { nodes { title } } }", GUIDES),
    "createGuideTasks": Op(
        'mutation { createGuideTasks(segmentId: "U2VnbWVudDo5OTk=", title: "Call") { taskList { assigned } '
        "errors { code } } }",
        STORE_STAFF,
    ),
    "completeTask": Op(
        'mutation { completeTask(taskId: "R3VpZGVUYXNrOjk5OQ==", outcome: REACHED) { task { id } errors { code } } }',
        GUIDES,
    ),
    "messageMyMember": Op(
        'mutation { messageMyMember(memberId: "TWVtYmVyOjk5OQ==", text: "Hello") { route errors { code } } }', GUIDES
    ),
    "journeys": Op("{ journeys { nodes { name } } }", HQ),
    "saveJourney": Op(
        'mutation { saveJourney(name: "Welcome", definition: {trigger: {kind: "registered"}, '
        'steps: [{kind: "message", title: "Hi", body: "Welcome"}]}) { journey { name } errors { code } } }',
        HQ,
    ),
    "myConversations": Op("{ myConversations { nodes { status } } }", GUIDES),
    "conversations": Op('{ conversations(search: "milk") { nodes { status } } }', HQ),
    "replyToConversation": Op(
        'mutation { replyToConversation(conversationId: "Q29udmVyc2F0aW9uOjk5OQ==", text: "Hi") '
        "{ message { text } errors { code } } }",
        GUIDES | frozenset({"store_manager", "hq"}),
    ),
    "saveKeywordReply": Op(
        'mutation { saveKeywordReply(keyword: "hours", reply: "9-21 every day") { keywordReply { keyword } '
        "errors { code } } }",
        HQ,
    ),
    "myInbox": Op("{ myInbox { nodes { title } } }", CONSUMERS),
    "myUnreadCount": Op("{ myUnreadCount }", CONSUMERS),
    "markInboxRead": Op("mutation { markInboxRead { unreadCount errors { code } } }", CONSUMERS),
    "updateBrandSettings": Op(
        'mutation { updateBrandSettings(input: {timeZone: "Asia/Tokyo"}) { brand { timeZone } errors { code } } }', HQ
    ),
    "setWechatTemplate": Op(
        'mutation { setWechatTemplate(purpose: EVENT_REMINDER, templateId: "tpl-reminder-1") '
        "{ brand { wechatTemplates { templateId } } errors { code } } }",
        HQ,
    ),
    "replaceChannelSecrets": Op(
        'mutation { replaceChannelSecrets(input: {wechatSecret: "0123456789abcdef0123456789abcdef"}) '
        "{ brand { hasWechatSecret } errors { code } } }",
        HQ,
    ),
}


def test_every_operation_is_in_the_matrix() -> None:
    root_fields = {f.name for f in schema.schema_converter.type_map["Query"].definition.fields}  # type: ignore[attr-defined]  # loosely typed type_map
    root_fields |= {f.name for f in schema.schema_converter.type_map["Mutation"].definition.fields}  # type: ignore[attr-defined]  # loosely typed type_map
    names = {schema.config.name_converter.apply_naming_config(n) for n in root_fields}
    assert names == set(MATRIX) | PUBLIC


@pytest.fixture(scope="module")
async def built_casts(database, upstream_server) -> tuple[Cast, Cast]:
    # Two full brands are built once for the module's ~500 cases; each case runs in a transaction
    # rolled back at its end (casts), so no case sees another's writes.
    await empty(database)
    settings = make_settings(upstream_server)
    return await factories.cast(settings, "alpha"), await factories.cast(settings, "beta")


@pytest.fixture
async def casts(built_casts) -> AsyncIterator[tuple[Cast, Cast]]:
    before = await _snapshot()
    async with rolled_back():
        yield built_casts
    # The next case must find the brands as built: a write that outlived its case would leak.
    assert await _snapshot() == before


@pytest.fixture
async def client(casts, settings, clock) -> AsyncIterator[GraphQLClient]:
    # The module's own: conftest's client empties the database first.
    async with GraphQLClient.running(create_app(settings, manage_db=False, clock=clock)) as gql:
        yield gql


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", MATRIX)
async def test_role_may_or_may_not_call_operation_in_own_brand(client, casts, name, role) -> None:
    alpha, _ = casts
    op = MATRIX[name]
    token = None if role == "anonymous" else alpha.tokens[role]
    stores_before = await Store.all().count()

    response = await client.post(op.query, op.variables(alpha), token=token)

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
    foreign = await client.ok(MATRIX["store"].query, MATRIX["store"].variables(alpha), token=token)
    own = await client.ok(MATRIX["store"].query, MATRIX["store"].variables(beta), token=token)

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
    # A member of beta presenting alpha's store ids, or one that names no store, gets nothing; its own
    # store's id still answers, so the refusals are about the brand and not the query.
    foreign = [s.id for s in await Store.filter(brand_id=alpha.brand.id)]
    unknown = max(s.id for s in await Store.all()) + 1
    assert foreign
    for store_id in [*foreign, unknown]:
        response = await client.ok(
            MATRIX["store"].query, {"id": ids.encode("Store", store_id)}, token=beta.tokens["consumer"]
        )
        assert response == {"store": None}
    own = await Store.get(brand_id=beta.brand.id)
    response = await client.ok(
        MATRIX["store"].query, {"id": ids.encode("Store", own.id)}, token=beta.tokens["consumer"]
    )
    assert response == {"store": {"code": own.code}}


FOREIGN_REFUSALS = {
    "STORE_NOT_FOUND",
    "GUIDE_NOT_FOUND",
    "ENROLMENT_NOT_FOUND",
    "MEMBER_NOT_FOUND",
    "CODE_UNKNOWN",
    "TAG_NOT_FOUND",
    "BATCH_NOT_FOUND",
    "TEMPLATE_NOT_FOUND",
    "COUPON_NOT_FOUND",
    "CAMPAIGN_NOT_FOUND",
    "CLAIM_NOT_FOUND",
    "EVENT_NOT_FOUND",
    "INTERACTION_NOT_FOUND",
    "STAFF_NOT_FOUND",
}


@pytest.mark.parametrize("name", [n for n, op in MATRIX.items() if op.variables is not no_variables])
async def test_ids_and_codes_of_another_brand_lead_nowhere(client, casts, name) -> None:
    alpha, beta = casts
    op = MATRIX[name]
    role = next(r for r in ("hq", "consumer", "guide") if r in op.allowed)
    before = await _snapshot()

    response = await client.post(op.query, op.variables(alpha), token=beta.tokens[role])

    assert response.status == 200 and response.errors == [], response.body
    result = response.data[name]
    if isinstance(result, dict) and "errors" in result:
        assert [e["code"] for e in result["errors"]] and {e["code"] for e in result["errors"]} <= FOREIGN_REFUSALS
    else:
        assert result in (None, [], {"total": 0}), result
    assert await _snapshot() == before


async def _snapshot() -> tuple:
    return (
        await Store.all().count(),
        sorted(await Guide.all().values_list("id", "status", "store_id")),
        sorted(await StoreEnrolment.all().values_list("id", "revoked_at")),
        await GuideBinding.all().count(),
        await Touch.all().count(),
        sorted(await Member.all().values_list("id", "guide_id", "registered_at")),
    )


async def test_an_event_read_by_id_keeps_the_scope_of_the_lists(client, casts, clock) -> None:
    """Ids are sequential: reading one by id must show no more than the lists do."""
    alpha, _ = casts
    other_store = await factories.store(alpha.brand, "OTHER")
    their_draft = await events_service.create(
        brand_id=alpha.brand.id,
        store_id=other_store.id,
        now=clock.now,
        spec=events_service.EventSpec(
            title="Draft", starts_at=alpha.event.starts_at, ends_at=alpha.event.ends_at, capacity=5, place="Back room"
        ),
    )
    vip = await tags.create(brand_id=alpha.brand.id, name="vip")
    for_vips = await factories.event(alpha.brand, now=clock.now, audience=Audience.TAG, audience_tag_id=vip.id)

    async def title(role: str, event_id: int) -> str | None:
        found = await client.ok(MATRIX["event"].query, {"e": _id("Event", event_id)}, token=alpha.tokens[role])
        return found["event"]["title"] if found["event"] else None

    assert await title("hq", their_draft.id) == "Draft"
    for role in ("store_manager", "guide_manager", "guide", "consumer"):
        assert await title(role, their_draft.id) is None, role
    assert await title("consumer", for_vips.id) is None
    await tags.attach(brand_id=alpha.brand.id, member_id=alpha.consumer.id, tag_id=vip.id)
    assert await title("consumer", for_vips.id) == "Baby yoga"
    # A published event of the guide's own store, whoever its audience.
    assert await title("guide", for_vips.id) == "Baby yoga"
    assert await title("consumer", 2**40) is None
