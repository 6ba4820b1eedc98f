"""Local secrets for the embedded set-up, created once in var/ (mode 0600, ignored by git). A deployment sets
the matching environment variables instead (docs/deploy.md)."""

from __future__ import annotations

import os
import secrets

from bot.paths import VAR


def local_secret(name: str) -> str:
    """The secret in var/<name>, created on first use; O_EXCL so that two processes starting together agree."""
    VAR.mkdir(exist_ok=True)
    path = VAR / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def private_files() -> None:
    """Make every file in var/ readable by its owner only (databases, secrets, logs)."""
    if not VAR.exists():
        return
    for root, _dirs, files in os.walk(VAR):
        for name in files:
            try:
                os.chmod(os.path.join(root, name), 0o600)
            except OSError:
                pass
