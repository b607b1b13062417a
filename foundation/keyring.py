"""Secret keys by id, for anything signed that must outlive a key: rotate by adding a key and
pointing new work at its id, while older ids keep verifying as long as their key stays listed."""

from __future__ import annotations

from collections.abc import Mapping


class Keyring:
    """The keys by id (1-255, each at least 16 bytes), and the id new work uses."""

    def __init__(self, keys: Mapping[int, bytes], current: int) -> None:
        if current not in keys:
            raise ValueError(f"current key id {current} has no key")
        if any(not 0 < k < 256 or len(v) < 16 for k, v in keys.items()):
            raise ValueError("key ids are 1-255 and keys at least 16 bytes")
        self._keys = dict(keys)
        self.current = current

    def key(self, key_id: int) -> bytes | None:
        return self._keys.get(key_id)
