"""Our spaCy pipeline: entity rules (patterns.py) and its builder (build.py)."""
