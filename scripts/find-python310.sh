#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter: $PYTHON, else python3.10 on PATH, else pyenv's 3.10.
# Rasa Open Source 3.6 refuses Python 3.11+, so nothing else will do.
set -u
is310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
if [ -n "${PYTHON:-}" ]; then
  if is310 "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  echo "error: \$PYTHON=$PYTHON is not a working Python 3.10 (Rasa 3.6 needs exactly 3.10)." >&2; exit 1
fi
if command -v python3.10 >/dev/null 2>&1 && is310 python3.10; then command -v python3.10; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  prefix=$(pyenv prefix 3.10 2>/dev/null || true)
  if [ -z "$prefix" ]; then
    prefix=$(ls -d "$(pyenv root)"/versions/3.10.* 2>/dev/null | sort -V | tail -n 1)
  fi
  if [ -n "$prefix" ] && is310 "$prefix/bin/python3.10"; then echo "$prefix/bin/python3.10"; exit 0; fi
fi
cat >&2 <<'MSG'
error: no Python 3.10 found. Rasa Open Source 3.6.21 runs only on Python 3.10.
Install one of:
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (where your release has it)
  - pyenv:         pyenv install 3.10
or point PYTHON at an interpreter:  make test PYTHON=/path/to/python3.10
MSG
exit 1
