"""WeChat's delivery receipt (subscribe_msg_sent_event, pushed signed and encrypted) turns a sent
broadcast message into delivered, or refused with WeChat's reason; a receipt for an unknown msgid
changes nothing."""

from __future__ import annotations

from reach.models import Broadcast
from referral.models import IdentityProvider, Message, MessageStatus
from tests.reach.broadcasting import RECIPIENTS, REPORT, broadcast, person, segment
from tests.test_wechat_callback import AES_KEY, TOKEN, encrypted, signed


def receipt(openid: str, msg_id: str, code: int = 0, status: str = "success") -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        "<CreateTime>1780304400</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[subscribe_msg_sent_event]]></Event><SubscribeMsgSentEvent><List>"
        f"<TemplateId><![CDATA[TPL-NEWS]]></TemplateId><MsgID>{msg_id}</MsgID><ErrorCode>{code}</ErrorCode>"
        f"<ErrorStatus><![CDATA[{status}]]></ErrorStatus></List></SubscribeMsgSentEvent></xml>"
    )


async def test_a_receipt_marks_a_broadcast_message_delivered_or_refused(client, town, deliver, upstream) -> None:
    brand = town["brand"]
    brand.wechat_callback_token, brand.wechat_aes_key = TOKEN, AES_KEY
    await brand.save()
    wei = await person(town, "wei", IdentityProvider.WECHAT)
    wu = await person(town, "wu", IdentityProvider.WECHAT)
    made = await broadcast(client, town, await segment(client, town))
    assert await deliver.run_once() == {"sent": 2}
    sent = {m.member_id: m for m in await Message.all()}
    assert all(m.platform_id for m in sent.values())
    openid = {wei.id: "wechat-wei", wu.id: "wechat-wu"}

    for member, code, status in ((wei, 0, "success"), (wu, 20004, "failed:user block")):
        params, body = encrypted(
            brand, receipt(openid[member.id], sent[member.id].platform_id, code, status), signed(town["clock"])
        )
        assert (await client.http.post("/wechat/acme/callback", params=params, content=body)).status_code == 200
    params, body = encrypted(brand, receipt("wechat-wei", "999"), signed(town["clock"]))
    assert (await client.http.post("/wechat/acme/callback", params=params, content=body)).status_code == 200

    assert {m.member_id: m.status for m in await Message.all()} == {
        wei.id: MessageStatus.DELIVERED,
        wu.id: MessageStatus.FAILED,
    }
    rows = (await client.ok(RECIPIENTS, {"id": made["id"]}, token=town["hq"]))["node"]["recipients"]["nodes"]
    assert sorted((r["state"], r["reason"]) for r in rows) == [
        ("DELIVERED", None),
        ("REFUSED", "wechat receipt: failed:user block"),
    ]
    routes = (await client.ok(REPORT, {"id": made["id"]}, token=town["hq"]))["node"]["report"]["routes"]
    assert routes == [{"route": "WECHAT", "queued": 0, "sent": 1, "delivered": 1, "uncertain": 0, "refused": 1}]
    assert (await Broadcast.get()).status.value == "sent"
