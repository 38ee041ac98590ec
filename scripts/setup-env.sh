# Sourced by scripts/run and scripts/test: find Python 3.12+, make .venv, install pinned requirements.
# Idempotent: a second run with unchanged requirement files installs nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

python_ok() {
    "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3 python \
        "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /root/.pyenv/versions/3.1[2-9]*/bin/python3 \
        /usr/local/bin/python3.1[2-9] /opt/homebrew/bin/python3.1[2-9]; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$(command -v "$candidate")"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
        return 0
    fi
    local python
    if ! python="$(find_python)"; then
        echo "The Santa tracker needs Python 3.12 or later with the venv module, and none was found." >&2
        echo "Install Python 3.12+ (python.org, your package manager or pyenv), or set PYTHON=/path/to/python3.12." >&2
        exit 1
    fi
    echo "Creating .venv with $python ($("$python" --version 2>&1))"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
}

# install_requirements FILE...: pip install --require-hashes, skipped when the files have not changed.
install_requirements() {
    local stamp="$VENV/.installed-$(echo "$*" | tr ' /' '__')"
    local digest
    digest="$(cat "$@" | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    local args=()
    for file in "$@"; do args+=(-r "$file"); done
    echo "Installing ${*} into .venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes "${args[@]}"
    echo "$digest" > "$stamp"
}

# install_node_modules: `npm ci` for the map's front-end packages when node_modules is missing or
# package-lock.json changed since the last install; nothing on a second run.
install_node_modules() {
    local stamp="$ROOT/node_modules/.installed-lock"
    local digest
    digest="$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$ROOT/package-lock.json")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "The map's front-end packages (Leaflet, world-atlas) need Node.js 20 or later with npm:" >&2
        echo "install it from https://nodejs.org or your package manager, then run this again." >&2
        exit 1
    fi
    echo "Installing the map's front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$digest" > "$stamp"
}

cd "$ROOT"
ensure_venv
install_node_modules
export PATH="$VENV/bin:$PATH"
export DJANGO_SETTINGS_MODULE=tracker.settings
