"""Automatic persisted queries, Apollo's convention: a client sends the sha256 of its document
first; on PERSISTED_QUERY_NOT_FOUND it sends the document with the hash once, and from then on the
hash alone. A mini-program on a mobile network then uploads a few dozen bytes per request, not the
document. Kept per process (a bounded LRU): with several workers, a client may register a document
once per worker, which costs one extra round trip each."""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import Any

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
INVALID = "PERSISTED_QUERY_INVALID"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MAX = 1024


class PersistedQueryError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PersistedQueries:
    def __init__(self, size: int = _MAX) -> None:
        self.size = size
        self._queries: OrderedDict[str, str] = OrderedDict()

    def resolve(self, query: Any, extensions: dict[str, Any] | None) -> Any:
        """The document to run: `query` as sent when the request names no persisted query, else the
        document the hash stands for (registering it when sent with its hash). Raises
        PersistedQueryError when the hash is unknown, malformed or does not match."""
        persisted = (extensions or {}).get("persistedQuery")
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
