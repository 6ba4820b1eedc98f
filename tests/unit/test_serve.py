"""rasa_ext.serve hands the API token to `rasa run` as one argument, whatever its first character."""

from __future__ import annotations

import sys
import types

import pytest

from rasa_ext import serve


def test_a_token_starting_with_a_dash_is_not_read_as_an_option(monkeypatch):
    seen: list[list[str]] = []
    fake = types.ModuleType("rasa.__main__")
    fake.main = lambda: seen.append(list(sys.argv))
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "-starts-with-a-dash")
    monkeypatch.setattr(sys, "argv", ["serve", "--port", "5005"])
    serve.main()
    assert seen and "--auth-token=-starts-with-a-dash" in seen[0] and "--port" in seen[0]


def test_no_token_no_server(monkeypatch):
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        serve.main()
