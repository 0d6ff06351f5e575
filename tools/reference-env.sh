# shellcheck shell=bash
# The reference Python environment: llama.cpp (through llama-cpp-python) and the
# packages the fixture generators and comparison scripts use, in .venv-reference
# at the repository root. Source this file from a tool script:
#
#     source "$(dirname "${BASH_SOURCE[0]}")/reference-env.sh"
#     exec "$REFERENCE_PYTHON" "$repo/tools/some_script.py" "$@"
#
# It exports REFERENCE_VENV (the virtualenv directory) and REFERENCE_PYTHON (its
# interpreter), and creates the virtualenv with the pinned packages below when
# it is missing or lacks them (stderr says so; nothing is printed otherwise).
#
# The versions are pinned because the fixtures record llama.cpp's behaviour: a
# different llama-cpp-python version may legitimately produce different files.
# Installing llama-cpp-python compiles llama.cpp, which takes a while. Changing
# a pin here reinstalls on the next use.
#
# Sourcing also defines REFERENCE_PACKAGES and reference_env_ready, and changes
# no shell options; if the setup fails, `source` returns non-zero (and a script
# running with `set -e` stops).

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "reference-env.sh is meant to be sourced: source ${BASH_SOURCE[0]}" >&2
    exit 2
fi

REFERENCE_VENV="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv-reference"
REFERENCE_PYTHON="$REFERENCE_VENV/bin/python"
export REFERENCE_VENV REFERENCE_PYTHON

REFERENCE_PACKAGES=('llama-cpp-python==0.3.36' 'gguf==0.19.0' 'jinja2==3.1.6' numpy)

# True when the interpreter exists and every package is installed, at its pinned
# version where there is one.
reference_env_ready() {
    [ -x "$REFERENCE_PYTHON" ] && "$REFERENCE_PYTHON" - "${REFERENCE_PACKAGES[@]}" 2>/dev/null <<'PY'
import importlib.metadata
import sys

for requirement in sys.argv[1:]:
    name, _, pinned = requirement.partition("==")
    installed = importlib.metadata.version(name)  # raises when missing
    if pinned and installed != pinned:
        sys.exit(f"{name} {installed} installed, {pinned} pinned")
import llama_cpp, gguf, jinja2, numpy  # noqa: E401,F401  (and they load)
PY
}

if ! reference_env_ready; then
    echo "Setting up $REFERENCE_VENV ..." >&2
    python3 -m venv "$REFERENCE_VENV" \
        && "$REFERENCE_PYTHON" -m pip install --quiet --upgrade pip \
        && "$REFERENCE_PYTHON" -m pip install --quiet "${REFERENCE_PACKAGES[@]}" \
        && reference_env_ready \
        || { echo "reference-env.sh: could not set up $REFERENCE_VENV" >&2; return 1; }
fi
