"""Start the Rasa server with the HTTP API token from the environment, not the command line.

`python -m rasa_ext.serve --model M --port 5005 …` is `rasa run --enable-api …` with `--auth-token` added
inside the process from RASA_AUTH_TOKEN, so the token never shows in `ps` or /proc/<pid>/cmdline.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    token = os.environ.get("RASA_AUTH_TOKEN", "").strip()
    if not token:
        raise SystemExit("rasa_ext.serve: RASA_AUTH_TOKEN is not set; the HTTP API must not run without a token")
    # one argument "--auth-token=…": a token that starts with "-" is not taken for an option
    sys.argv = ["rasa", "run", *sys.argv[1:], "--enable-api", f"--auth-token={token}"]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
