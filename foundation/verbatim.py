"""Error fields are domain names (idempotency_key) that schema/ turns into argument names
(idempotencyKey). A few are data, not names: the key of a question a brand wrote for its event.
Those are marked Verbatim and reach the client as they are."""

from __future__ import annotations


class Verbatim(str):
    __slots__ = ()
