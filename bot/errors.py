"""The domain's own exceptions, raised by the store adapters so no caller needs to know about SQL."""

from __future__ import annotations


class StoreError(Exception):
    """A request the store cannot carry out; the message is meant for staff."""


class UnknownPatientError(StoreError, LookupError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no patient with reference {reference!r}")
        self.reference = reference


class StoreUnavailable(StoreError):
    """The store cannot be reached or used right now (database down, timed out, schema missing).

    Chat turns answer it with the polite "I can't reach your plan right now"; staff tools print the reason."""
