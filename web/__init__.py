"""The demo clinic page and its page server (see server.py)."""
