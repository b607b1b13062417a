"""Codes people read aloud or type: Crockford's base-32 alphabet and a Luhn mod 32 check character.

The alphabet has no I, L, O or U, so a code survives being read off a screen; normalising maps
the look-alikes back (O->0, I/L->1) and ignores case, spaces and dashes. The check character
catches every single-character slip and most swaps of neighbours before any database look-up.
"""

from __future__ import annotations

import secrets

from stdnum import luhn

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ALPHABET_SET = frozenset(ALPHABET)
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def new(prefix: str, length: int = 8) -> str:
    """A random code: prefix, `length` random characters (40 bits for 8), one check character."""
    body = prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))
    return body + luhn.calc_check_digit(body, alphabet=ALPHABET)


def normalize(raw: str) -> str | None:
    """The canonical form of a typed or scanned code, or None if it cannot be one of ours."""
    code = spelled(raw)
    return code if code is not None and luhn.is_valid(code, alphabet=ALPHABET) else None


def spelled(raw: str) -> str | None:
    """normalize() without the check character: enough to compare with codes we issued (an order
    import matches 100,000 of them; the check costs more than the rest of the import's checks)."""
    code = (raw or "").upper().translate(_LOOKALIKES)
    if not 3 <= len(code) <= 24 or not _ALPHABET_SET.issuperset(code):
        return None
    return code
