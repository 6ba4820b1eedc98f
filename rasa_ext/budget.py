"""How much one client may have the bot read at the same time.

A long message costs the bot up to about a second to read (the safety screen and the NLU grow with its
length), so one client sending many long messages at once would hold every other conversation up. Each
client (the caller's address) has a budget of characters being read at once, B12_CLIENT_BUDGET_CHARS
(default 6,000: one message of the largest size plus a few short ones). A message that does not fit while
others from the same client are still being read is not read; the client is asked to send it again once
the earlier ones are answered. A message always fits when nothing else from its client is being read, and
short messages (a patient's usual) hardly use the budget, so many patients behind one address are not held
back by it. 0 turns the budget off (for a clinic whose proxy gives every patient the same address).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_CHARS = 6000


def configured_chars() -> int:
    try:
        return max(0, int(os.environ.get("B12_CLIENT_BUDGET_CHARS", str(DEFAULT_CHARS))))
    except ValueError:
        return DEFAULT_CHARS


class InFlight:
    """Characters being read per client, on one event loop (the Rasa server's)."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = configured_chars() if limit is None else limit
        self._reading: dict[str, int] = {}

    def take(self, client: str | None, chars: int) -> bool:
        if not self.limit or not client:
            return True
        reading = self._reading.get(client, 0)
        if reading and reading + chars > self.limit:
            return False
        self._reading[client] = reading + chars
        return True

    def release(self, client: str | None, chars: int) -> None:
        if not self.limit or not client or client not in self._reading:
            return
        left = self._reading[client] - chars
        if left > 0:
            self._reading[client] = left
        else:
            del self._reading[client]

    @contextmanager
    def reading(self, client: str | None, chars: int) -> Iterator[bool]:
        """`with budget.reading(address, len(text)) as fits:`; released however the block ends."""
        fits = self.take(client, chars)
        try:
            yield fits
        finally:
            if fits:
                self.release(client, chars)
