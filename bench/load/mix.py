"""The operations of launch day and how often each is sent. Each returns its outcome: "ok",
"refused" (a typed payload error the client expects, like a duplicate scan) or "error"
(a transport failure, an HTTP status other than 200, or a top-level GraphQL error)."""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

import aiohttp

from bench.load.seed import WECHAT_APPID, Seeded
from loyalty import item_codes

CLAIM = """mutation($c: String!, $k: String) { claimItemCode(code: $c, idempotencyKey: $k) {
  pointsEarned pointsBalance rewards { points coupon { code } } errors { code } } }"""
SIGN_IN = """mutation($b: String!, $c: String!) { signInWithWechat(brand: $b, code: $c) { token errors { code } } }"""
WRITE_OFF = """mutation($c: String!, $k: String) { writeOffCoupon(code: $c, idempotencyKey: $k) {
  coupon { status } errors { code } } }"""
SIGN_UP = (
    """mutation($e: ID!) { signUpForEvent(eventId: $e) { registration { status waitlistPosition } errors { code } } }"""
)
PROFILE = """{ me { memberId roles } myPoints { balance expiring(days: 30) }
  myCoupons(first: 5) { nodes { code status expiresAt } } }"""
ATTRIBUTION = """query($f: DateTime!, $t: DateTime!) { attribution(from: $f, to: $t, by: GUIDE, first: 50) {
  newMembers purchases revenueCents couponsWrittenOff eventSignUps } }"""

Send = Callable[[aiohttp.ClientSession, random.Random], Awaitable[str]]

# Launch day, per 100 requests: mostly scans (some repeated, some forged), mini-program reads,
# a few sign-ins, write-offs and sign-ups, and HQ watching its dashboard.
WEIGHTS = {
    "claim": 55,
    "claim (duplicate)": 5,
    "claim (forged)": 3,
    "sign-in": 5,
    "write-off": 4,
    "event sign-up": 5,
    "profile read": 20,
    "HQ attribution": 3,
}


@dataclass
class Mix:
    seeded: Seeded
    key: bytes
    wechat_code: Callable[[str, str], str]

    def __post_init__(self) -> None:
        self.serials = count(1)
        self.claimed: list[str] = []

    def senders(self) -> dict[str, Send]:
        return {
            "claim": self.claim,
            "claim (duplicate)": self.duplicate,
            "claim (forged)": self.forged,
            "sign-in": self.sign_in,
            "write-off": self.write_off,
            "event sign-up": self.sign_up,
            "profile read": self.profile,
            "HQ attribution": self.attribution,
        }

    async def claim(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        code = item_codes.encode(self.key, self.seeded.key_id, self.seeded.batch_id, next(self.serials))
        outcome = await self._claim(http, rng, code)
        if outcome == "ok":
            self.claimed.append(code)
        return outcome

    async def duplicate(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        if not self.claimed:
            return await self.claim(http, rng)
        return await self._claim(http, rng, rng.choice(self.claimed))

    async def forged(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        return await self._claim(http, rng, secrets.token_hex(16).upper())

    async def _claim(self, http: aiohttp.ClientSession, rng: random.Random, code: str) -> str:
        token = rng.choice(self.seeded.member_tokens)
        return await graphql(http, CLAIM, {"c": code, "k": uuid.uuid4().hex}, token)

    async def sign_in(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        # Most sign-ins are returning members; one in five is somebody new.
        openid = f"o{rng.randrange(len(self.seeded.member_tokens) * 5 // 4)}"
        return await graphql(http, SIGN_IN, {"b": self.seeded.brand_slug, "c": self.wechat_code(WECHAT_APPID, openid)})

    async def write_off(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        g = rng.randrange(len(self.seeded.guide_tokens))
        if not self.seeded.coupons_by_guide[g]:
            return await self.profile(http, rng)
        code = self.seeded.coupons_by_guide[g].pop()
        return await graphql(http, WRITE_OFF, {"c": code, "k": uuid.uuid4().hex}, self.seeded.guide_tokens[g])

    async def sign_up(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        return await graphql(
            http, SIGN_UP, {"e": rng.choice(self.seeded.event_ids)}, rng.choice(self.seeded.member_tokens)
        )

    async def profile(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        return await graphql(http, PROFILE, None, rng.choice(self.seeded.member_tokens))

    async def attribution(self, http: aiohttp.ClientSession, rng: random.Random) -> str:
        now = datetime.now(UTC)
        window = {"f": (now - timedelta(days=30)).isoformat(), "t": (now + timedelta(hours=1)).isoformat()}
        return await graphql(http, ATTRIBUTION, window, self.seeded.hq_token)


async def graphql(http: aiohttp.ClientSession, query: str, variables: dict | None, token: str | None = None) -> str:
    headers = {"accept": "application/graphql-response+json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    try:
        async with http.post("/graphql", json={"query": query, "variables": variables}, headers=headers) as response:
            body = await response.json(content_type=None)
            if response.status != 200 or body.get("errors"):
                return "error"
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return "error"
    payload = next(iter(body["data"].values()))
    if isinstance(payload, dict) and payload.get("errors"):
        return "refused:" + payload["errors"][0]["code"]
    return "ok"
