"""Rate limits on the operations an attacker repeats: scanning codes (guessing) and signing in
(credential stuffing). Fixed windows counted in Redis when configured, so every worker shares
the count; in process otherwise, which is exact for one worker and per-worker for several."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from foundation.codes import Code

log = logging.getLogger(__name__)


class RateLimitErrorCode(Code):
    RATE_LIMITED = "RATE_LIMITED", "Too many requests: wait the time given in the message and try again."


class RateLimited(Exception):
    def __init__(self, retry_after_s: int) -> None:
        self.code = RateLimitErrorCode.RATE_LIMITED
        self.retry_after_s = retry_after_s
        self.message = f"Too many attempts. Please try again in {retry_after_s} s."
        self.field: str | None = None
        super().__init__(self.message)


@dataclass(frozen=True)
class Rate:
    limit: int
    per_s: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _, seconds = text.partition("/")
        rate = cls(int(count), int(seconds))
        if rate.limit <= 0 or rate.per_s <= 0:
            raise ValueError("both numbers must be positive")
        return rate


# Per member: a parent buys a few cans, not thirty a minute. Per IP: generous, because mobile
# carriers put many customers behind one address (carrier-grade NAT).
DEFAULT_RULES: dict[str, Rate] = {
    "scan.member": Rate(30, 60),
    "scan.ip": Rate(600, 60),
    "sign-in.ip": Rate(60, 60),
    "sign-in.account": Rate(10, 300),
    # A busy counter on launch day writes off a few coupons a minute per guide.
    "write-off.guide": Rate(60, 60),
    # Member searches by a guide: plenty for a counter, too few to enumerate phone numbers.
    "search.guide": Rate(30, 60),
    # Documents a client sends that the server has not validated recently: an app sends the same few
    # dozen operations; hundreds of new ones a minute is someone making validation work for us.
    "new-document.ip": Rate(120, 60),
}


def parse_rules(text: str) -> dict[str, Rate]:
    """`scan.member=30/60,sign-in.ip=60/60` over the defaults; `off` disables every limit."""
    text = text.strip()
    if text.lower() == "off":
        return {}
    rules = dict(DEFAULT_RULES)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in DEFAULT_RULES:
            raise ValueError(f"unknown limit {name.strip()!r}; known: {', '.join(DEFAULT_RULES)}")
        try:
            rules[name.strip()] = Rate.parse(value)
        except ValueError:
            raise ValueError(f"cannot read {part!r}: use <name>=<count>/<seconds>") from None
    return rules


class MemoryCounter:
    """Window counts in this process; old windows are dropped as the dict grows."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.counts: dict[tuple[str, int, int], int] = {}

    async def incr(self, keys: Sequence[tuple[str, int]]) -> tuple[list[int], float]:
        """Count one more for each (key, window length); returns the counts and the time."""
        now = self.clock()
        if len(self.counts) > 100_000:
            self.counts = {k: v for k, v in self.counts.items() if k[1] >= int(now // k[2]) - 1}
        counts = []
        for key, per_s in keys:
            slot = (key, int(now // per_s), per_s)
            self.counts[slot] = self.counts.get(slot, 0) + 1
            counts.append(self.counts[slot])
        return counts, now

    async def clear(self, key: str, per_s: int) -> None:
        self.counts = {slot: n for slot, n in self.counts.items() if slot[0] != key}


class RedisCounter:
    """Window counts shared by all workers. If Redis fails, this process counts alone rather than
    refusing every customer or letting every attacker through; a breaker then stops asking Redis for
    `pause_s`, so a Redis that accepts connections but never answers costs one timeout, not one per
    request, and one log line when it opens, not one per request."""

    def __init__(self, client: aioredis.Redis, clock: Callable[[], float] = time.time, pause_s: float = 30.0) -> None:
        self.client = client
        self.clock = clock
        self.fallback = MemoryCounter(clock)
        self.pause_s = pause_s
        self.open_until = 0.0

    async def incr(self, keys: Sequence[tuple[str, int]]) -> tuple[list[int], float]:
        """All the request's counters in one round trip."""
        now = self.clock()
        if now < self.open_until:
            return await self.fallback.incr(keys)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                for key, per_s in keys:
                    name = f"scrm:rl:{key}:{int(now // per_s)}"
                    pipe.incr(name)
                    pipe.expire(name, per_s + 1)
                replies = await pipe.execute()
        except (RedisError, OSError) as exc:
            self.open_until = now + self.pause_s
            log.warning(
                "rate limit counter unavailable, counting in process for %.0f s: %s", self.pause_s, type(exc).__name__
            )
            return await self.fallback.incr(keys)
        if self.open_until:
            self.open_until = 0.0
            log.warning("rate limit counter available again")
        return [int(count) for count in replies[::2]], now

    async def clear(self, key: str, per_s: int) -> None:
        """Forget a subject's count (an account unlocked by hand), here and in Redis."""
        await self.fallback.clear(key, per_s)
        window = int(self.clock() // per_s)
        await self.client.delete(*(f"scrm:rl:{key}:{w}" for w in (window - 1, window)))


class Limiter:
    def __init__(self, rules: Mapping[str, Rate], counter: MemoryCounter | RedisCounter, salt: bytes) -> None:
        self.rules = dict(rules)
        self.counter = counter
        self.salt = salt

    async def check(self, attempts: Sequence[tuple[str, str]]) -> None:
        """Count one attempt of each (rule, subject); raise RateLimited if any is past its limit.
        Subjects (IPs, user names) are stored and logged only as keyed hashes."""
        counted = [
            (rule, self.rules[rule], self.pseudonym(subject)) for rule, subject in attempts if rule in self.rules
        ]
        if not counted:
            return
        counts, now = await self.counter.incr([(f"{rule}:{who}", rate.per_s) for rule, rate, who in counted])
        for (rule, rate, who), count in zip(counted, counts, strict=True):
            if count > rate.limit:
                if count == rate.limit + 1:
                    log.warning("rate limit reached", extra={"rule": rule, "subject": who})
                raise RateLimited(max(1, int(rate.per_s - now % rate.per_s + 0.999)))

    async def clear(self, rule: str, subject: str) -> None:
        """Forget what `subject` has counted under `rule` (unlocking a staff account)."""
        if rule in self.rules:
            await self.counter.clear(f"{rule}:{self.pseudonym(subject)}", self.rules[rule].per_s)

    def pseudonym(self, subject: str) -> str:
        return hashlib.blake2s(subject.encode(), key=self.salt[:32], digest_size=8).hexdigest()


def open_limiter(
    rules: Mapping[str, Rate], redis_url: str | None, salt: bytes
) -> tuple[Limiter, aioredis.Redis | None]:
    if redis_url is None:
        return Limiter(rules, MemoryCounter(), salt), None
    client = aioredis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return Limiter(rules, RedisCounter(client), salt), client
