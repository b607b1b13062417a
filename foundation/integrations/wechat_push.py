"""WeChat's server push to a mini-program (消息推送): the GET echo check and the POSTed events and
messages, signed with the brand's callback token and, in safe mode, AES-encrypted with its
EncodingAESKey; both checked and opened with wechatpy's crypto. Only what we act on is read:
subscribe-popup answers, subscription changes, and the text users send."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import xmltodict  # type: ignore[import-untyped]  # wechatpy parses its pushes with it; no stubs
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

MAX_BODY = 64 * 1024
# A push older or newer than this is refused (with its nonce remembered, a replay is refused too).
MAX_SKEW_S = 300


class CallbackRefused(Exception):
    """Not a push we accept: the status to answer and a reason that never quotes the request."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Credentials:
    token: str
    aes_key: str | None
    appid: str


@dataclass(frozen=True)
class PopupAnswer:
    openid: str
    template_id: str
    result: str  # accept, reject, ban, filter


@dataclass(frozen=True)
class SubscriptionChange:
    openid: str
    template_id: str
    status: str  # accept or reject


@dataclass(frozen=True)
class UserText:
    openid: str
    message_id: str
    text: str
    sent_at: int


@dataclass(frozen=True)
class SentReceipt:
    """WeChat's word on a subscribe message it accepted: delivered (error code 0) or not (the user
    refused it, for example)."""

    openid: str
    template_id: str
    msg_id: str
    error_code: int
    status: str


Push = PopupAnswer | SubscriptionChange | UserText | SentReceipt


def echo(creds: Credentials, params: dict[str, str]) -> str:
    """The GET check WeChat makes when the URL is configured: answer its echostr if signed."""
    _signed(creds.token, params)
    return params.get("echostr", "")[:200]


def read(
    creds: Credentials, params: dict[str, str], body: bytes, *, now: float | None = None
) -> tuple[str, list[Push]]:
    """The push's nonce (for replay checks) and what it says; raises CallbackRefused."""
    timestamp, nonce = _signed(creds.token, params)
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_SKEW_S:
        raise CallbackRefused(400, "stale timestamp")
    if len(body) > MAX_BODY:
        raise CallbackRefused(413, "body too large")
    xml = _xml(body)
    if params.get("encrypt_type") == "aes":
        if not creds.aes_key:
            raise CallbackRefused(400, "encrypted push without an EncodingAESKey")
        try:
            plain = WeChatCrypto(creds.token, creds.aes_key, creds.appid).decrypt_message(
                xml, params.get("msg_signature", ""), timestamp, nonce
            )
        except InvalidSignatureException:
            raise CallbackRefused(403, "bad message signature") from None
        except InvalidAppIdException:
            raise CallbackRefused(403, "for another app") from None
        except Exception:  # malformed ciphertext or padding: not something WeChat sent
            raise CallbackRefused(400, "undecryptable") from None
        xml = _xml(plain.encode() if isinstance(plain, str) else plain)
    return nonce, _pushes(xml)


def _signed(token: str, params: dict[str, str]) -> tuple[str, str]:
    signature, timestamp, nonce = (params.get(k, "") for k in ("signature", "timestamp", "nonce"))
    if not (signature and timestamp.isdigit() and len(timestamp) <= 12 and nonce and len(nonce) <= 64):
        raise CallbackRefused(403, "unsigned")
    try:
        check_signature(token, signature, timestamp, nonce)
    except InvalidSignatureException:
        raise CallbackRefused(403, "bad signature") from None
    return timestamp, nonce


def _xml(body: bytes) -> dict[str, Any]:
    # No DTDs: entity expansion is how XML bombs work, and WeChat never sends one.
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise CallbackRefused(400, "DTD in body")
    try:
        parsed = xmltodict.parse(body, disable_entities=True)
    except Exception:
        raise CallbackRefused(400, "not XML") from None
    xml = parsed.get("xml") if isinstance(parsed, dict) else None
    if not isinstance(xml, dict):
        raise CallbackRefused(400, "not a WeChat push")
    return xml


def _listed(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _pushes(xml: dict[str, Any]) -> list[Push]:
    openid = str(xml.get("FromUserName") or "")
    if not openid:
        return []
    kind, event = xml.get("MsgType"), xml.get("Event")
    if kind == "event" and event == "subscribe_msg_popup_event":
        return [
            PopupAnswer(openid, str(i.get("TemplateId") or ""), str(i.get("SubscribeStatusString") or ""))
            for i in _listed((xml.get("SubscribeMsgPopupEvent") or {}).get("List"))
        ]
    if kind == "event" and event == "subscribe_msg_change_event":
        return [
            SubscriptionChange(openid, str(i.get("TemplateId") or ""), str(i.get("SubscribeStatusString") or ""))
            for i in _listed((xml.get("SubscribeMsgChangeEvent") or {}).get("List"))
        ]
    if kind == "event" and event == "subscribe_msg_sent_event":
        return [
            SentReceipt(
                openid,
                str(i.get("TemplateId") or ""),
                str(i.get("MsgID") or ""),
                int(code) if (code := str(i.get("ErrorCode") or "0")).lstrip("-").isdigit() else -1,
                str(i.get("ErrorStatus") or "")[:60],
            )
            for i in _listed((xml.get("SubscribeMsgSentEvent") or {}).get("List"))
        ]
    if kind == "text":
        return [
            UserText(
                openid,
                str(xml.get("MsgId") or ""),
                str(xml.get("Content") or "")[:2000],
                int(str(xml.get("CreateTime") or "0")) if str(xml.get("CreateTime") or "0").isdigit() else 0,
            )
        ]
    return []
