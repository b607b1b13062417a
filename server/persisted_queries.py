"""Automatic persisted queries, Apollo's convention: a client sends the sha256 of its document
first; on PERSISTED_QUERY_NOT_FOUND it sends the document with the hash once, and from then on the
hash alone. A mini-program on a mobile network then uploads a few dozen bytes per request, not the
document. Kept per process (a bounded LRU): with several workers, a client may register a document
once per worker, which costs one extra round trip each.

With an operation list (SCRM_OPERATIONS_FILE, the manifest Apollo's tools generate from a client's
build), only the listed documents run, by hash or by text, and nothing else is registered: a
production API then answers its own apps and nothing a stranger writes."""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from typing import Any

from foundation.settings import SettingsError

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
INVALID = "PERSISTED_QUERY_INVALID"
NOT_LISTED = "OPERATION_NOT_LISTED"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX = 1024


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def load_manifest(path: str) -> dict[str, str]:
    """The operations of an Apollo persisted-query manifest, by sha256; raises SettingsError."""
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
        operations = manifest["operations"]
        listed = {op["id"]: op["body"] for op in operations}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SettingsError(f"SCRM_OPERATIONS_FILE: cannot read an operation manifest ({type(exc).__name__})") from None
    for digest, body in listed.items():
        if not isinstance(body, str) or hashlib.sha256(body.encode()).hexdigest() != digest:
            raise SettingsError(f"SCRM_OPERATIONS_FILE: operation {str(digest)[:16]}... is not the sha256 of its body")
    return listed


class PersistedQueries:
    def __init__(self, size: int = _MAX, *, listed: dict[str, str] | None = None) -> None:
        self.size = size
        self._queries: OrderedDict[str, str] = OrderedDict()
        self.listed = listed

    def resolve(self, query: Any, extensions: dict[str, Any] | None) -> Any:
        """The document to run: `query` as sent when the request names no persisted query, else the
        document the hash stands for (registering it when sent with its hash). Raises
        PersistedQueryError when the hash is unknown, malformed or does not match."""
        persisted = (extensions or {}).get("persistedQuery")
        if self.listed is not None:
            return self._listed(query, persisted)
        if persisted is None:
            return query
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(INVALID, "Only persisted queries of version 1 are supported.")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise PersistedQueryError(INVALID, "sha256Hash must be 64 lower-case hex digits.")
        if query is None:
            known = self._queries.get(digest)
            if known is None:
                raise PersistedQueryError(NOT_FOUND, "PersistedQueryNotFound")
            self._queries.move_to_end(digest)
            return known
        if not isinstance(query, str) or hashlib.sha256(query.encode()).hexdigest() != digest:
            raise PersistedQueryError(INVALID, "The provided sha256Hash does not match the query.")
        self._queries[digest] = query
        self._queries.move_to_end(digest)
        if len(self._queries) > self.size:
            self._queries.popitem(last=False)
        return query

    def _listed(self, query: Any, persisted: Any) -> Any:
        if persisted is not None:
            digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        elif isinstance(query, str):
            digest = hashlib.sha256(query.encode()).hexdigest()
        else:
            return query  # no document at all: refused as such by the caller
        assert self.listed is not None
        known = self.listed.get(digest) if isinstance(digest, str) else None
        if known is None or (isinstance(query, str) and query != known):
            raise PersistedQueryError(NOT_LISTED, "This server runs only the operations of its own apps.")
        return known
