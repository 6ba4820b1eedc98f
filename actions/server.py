"""The action server, started by ops/stack.py: rasa_sdk's app, on loopback, behind a shared secret.

`python -m actions.server --port 5055`. Only the Rasa server calls it: every request but /health must carry
the header `X-B12-Action-Secret` (ACTION_SERVER_SECRET, or a local secret in var/ shared with the Rasa server
through endpoints.yml), it listens on 127.0.0.1 unless ACTION_SERVER_HOST says otherwise (the scale-out
set-up), and a failure answers a plain 500 that never echoes the request.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response

from ops.secrets import local_secret

SECRET_HEADER = "X-B12-Action-Secret"
logger = logging.getLogger("b12.actions.server")


def action_secret() -> str:
    return os.environ.get("ACTION_SERVER_SECRET") or local_secret("action_server_secret")


def make_app(secret: str):
    app = create_app("actions", cors_origins=None)
    app.config.REQUEST_MAX_SIZE = 8 * 1024 * 1024  # a tracker with its recent events, never more

    @app.on_request
    async def require_secret(request):  # noqa: ANN001
        if request.path == "/health":
            return None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode()):  # any bytes: 401
            return response.json({"error": "unauthorised"}, status=401)
        return None

    async def internal_error(request, exception):  # noqa: ANN001
        status = getattr(exception, "status_code", 500)
        if isinstance(status, int) and 400 <= status < 500:  # a wrong method or path: say so, not 500
            return response.json({"error": "bad request"}, status=status)
        logger.error("action server error on %s", request.path, exc_info=exception)
        return response.json({"error": "internal error"}, status=500)

    app.error_handler.add(Exception, internal_error)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = make_app(action_secret())
    logger.info("action server on http://%s:%d (secret required)", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
