"""Two-way messages from signed callbacks: a member's LINE or WeChat message opens their conversation;
a keyword reply answers at once (LINE's reply token, WeChat's customer-service message); otherwise it
waits for their guide, who answers within each platform's rules; HQ searches; myData has it; erasure
takes it."""

from __future__ import annotations

from reach.models import Conversation, ConversationMessage
from referral.models import IdentityProvider, Member, MemberIdentity
from tests import factories
from tests.reach.broadcasting import gid, person
from tests.test_line_platform import SECRET, USER, delivery, event, sign
from tests.test_wechat_callback import AES_KEY, OPENID, TOKEN, encrypted, signed, text

KEYWORD = """mutation($k: String!, $r: String!, $m: KeywordMatch, $l: String) {
  saveKeywordReply(keyword: $k, reply: $r, match: $m, locale: $l) { keywordReply { keyword } errors { code field } } }"""
MINE = """{ myConversations { nodes { id status member { id } messages { nodes { direction text via author } } } } }"""
REPLY = """mutation($c: ID!, $t: String!, $k: String) { replyToConversation(conversationId: $c, text: $t, idempotencyKey: $k) {
  message { direction text via } errors { code field } } }"""
SEARCH = """query($s: String) { conversations(search: $s) { nodes { member { id } } } }"""


async def _line_member(town) -> Member:
    brand = town["brand"]
    brand.line_channel_secret = SECRET
    await brand.save()
    member = await person(town, "lina", IdentityProvider.LINE)
    await MemberIdentity.filter(member_id=member.id).update(subject=USER)
    return member


async def _line_says(client, words: str, reply_token: str) -> None:
    body = delivery(
        event(
            "message",
            replyToken=reply_token,
            message={"type": "text", "id": reply_token[-8:], "text": words, "quoteToken": "q-" + reply_token},
        )
    )
    response = await client.http.post(
        "/line/acme/webhook", content=body, headers={"content-type": "application/json", "x-line-signature": sign(body)}
    )
    assert response.status_code == 200, response.text


async def test_a_keyword_answers_at_once_through_the_line_reply_token(client, town, upstream) -> None:
    await _line_member(town)
    saved = await client.mutate(
        "saveKeywordReply", KEYWORD, {"k": "营业时间", "r": "每天 9:00-21:00", "m": "CONTAINS"}, token=town["hq"]
    )
    assert saved == {"keywordReply": {"keyword": "营业时间"}, "errors": []}

    await _line_says(client, "请问营业时间？", "rt-000000000001")

    assert [r["replyToken"] for r in upstream.line_replied] == ["rt-000000000001"]
    assert upstream.line_replied[0]["messages"][0]["text"] == "每天 9:00-21:00"
    assert upstream.line_pushed == []
    [said, answered] = await ConversationMessage.all().order_by("id")
    assert (said.direction.value, answered.direction.value, answered.via) == ("in", "out", "reply_token")
    assert (await Conversation.get()).status.value == "answered"


async def test_without_a_keyword_the_guide_answers_by_reply_token_then_by_push(
    client, town, settings, upstream
) -> None:
    member = await _line_member(town)
    amy = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    await _line_says(client, "宝宝最近便秘怎么办", "rt-000000000002")

    [conversation] = (await client.ok(MINE, token=amy))["myConversations"]["nodes"]
    assert conversation["status"] == "WAITING" and conversation["member"]["id"] == gid("Member", member.id)
    assert conversation["messages"]["nodes"] == [
        {"direction": "IN", "text": "宝宝最近便秘怎么办", "via": None, "author": None}
    ]
    first = await client.mutate(
        "replyToConversation", REPLY, {"c": conversation["id"], "t": "多喝水", "k": "reply-0001"}, token=amy
    )
    retried = await client.mutate(
        "replyToConversation", REPLY, {"c": conversation["id"], "t": "多喝水", "k": "reply-0001"}, token=amy
    )
    town["clock"].advance(minutes=2)  # the reply token has lapsed and was used anyway
    second = await client.mutate("replyToConversation", REPLY, {"c": conversation["id"], "t": "明天来店里"}, token=amy)

    assert first == retried == {"message": {"direction": "OUT", "text": "多喝水", "via": "reply_token"}, "errors": []}
    assert second["message"]["via"] == "push"
    assert len(upstream.line_replied) == 1 and [p["to"] for p in upstream.line_pushed] == [USER]
    # Another guide sees none of it and cannot answer it.
    other = await factories.guide(town["brand"], town["store"], "bo")
    bo = factories.member_token(settings, await Member.get(id=other.member_id))
    assert (await client.ok(MINE, token=bo))["myConversations"]["nodes"] == []
    refused = await client.mutate("replyToConversation", REPLY, {"c": conversation["id"], "t": "Hi"}, token=bo)
    assert refused == {"message": None, "errors": [{"code": "CONVERSATION_NOT_FOUND", "field": "conversationId"}]}


async def test_wechat_answers_stop_after_48_hours_and_after_five(client, town, settings, upstream) -> None:
    brand = town["brand"]
    brand.wechat_callback_token, brand.wechat_aes_key = TOKEN, AES_KEY
    await brand.save()
    member = await person(town, "wei", IdentityProvider.WECHAT, credits=0)
    await MemberIdentity.filter(member_id=member.id).update(subject=OPENID)
    amy = factories.member_token(settings, await Member.get(id=town["guide"].member_id))
    params, body = encrypted(brand, text("7001", "奶粉什么时候到货？"), signed(town["clock"]))
    assert (await client.http.post("/wechat/acme/callback", params=params, content=body)).status_code == 200
    [conversation] = (await client.ok(MINE, token=amy))["myConversations"]["nodes"]

    answers = [
        await client.mutate("replyToConversation", REPLY, {"c": conversation["id"], "t": f"第{i}条"}, token=amy)
        for i in range(6)
    ]
    assert [a["message"]["via"] for a in answers[:5]] == ["customer_service"] * 5
    assert answers[5]["errors"] == [{"code": "REPLY_WINDOW_CLOSED", "field": "conversationId"}]
    assert [m["touser"] for m in upstream.wechat_cs_sent] == [OPENID] * 5
    # The member writes again: the window opens again, for 48 hours.
    params, body = encrypted(brand, text("7002", "好的"), signed(town["clock"]))
    await client.http.post("/wechat/acme/callback", params=params, content=body)
    town["clock"].advance(hours=49)
    late = await client.mutate("replyToConversation", REPLY, {"c": conversation["id"], "t": "还在吗"}, token=amy)
    assert late["errors"] == [{"code": "REPLY_WINDOW_CLOSED", "field": "conversationId"}]
    assert len(upstream.wechat_cs_sent) == 5


async def test_hq_searches_conversations_my_data_has_them_and_erasure_takes_them(
    client, town, settings, upstream
) -> None:
    member = await _line_member(town)
    await _line_says(client, "想问问二段奶粉", "rt-000000000003")
    await _line_says(client, "谢谢", "rt-000000000004")
    other = await person(town, "other", IdentityProvider.LINE)
    assert other.id

    found = (await client.ok(SEARCH, {"s": "二段"}, token=town["hq"]))["conversations"]["nodes"]
    none = (await client.ok(SEARCH, {"s": "退货"}, token=town["hq"]))["conversations"]["nodes"]
    assert found == [{"member": {"id": gid("Member", member.id)}}] and none == []

    token = factories.member_token(settings, member)
    data = (await client.ok("{ myData }", token=token))["myData"]
    assert [m["text"] for m in data["conversation"]] == ["想问问二段奶粉", "谢谢"]
    erased = await client.mutate(
        "deleteMyAccount", "mutation { deleteMyAccount(confirm: true) { errors { code } } }", token=token
    )
    assert erased["errors"] == []
    assert not await Conversation.exists() and not await ConversationMessage.exists()
    assert (await client.ok(SEARCH, {"s": "二段"}, token=town["hq"]))["conversations"]["nodes"] == []
