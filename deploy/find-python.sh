#!/usr/bin/env bash
# Print the path of a working `pythonX.Y` interpreter for the given X.Y (default 3.12), or fail saying how to get one.
#
# Chalice gives the Lambda function the runtime of the Python that runs it, and SnapStart needs python3.12 or later,
# so `make package` needs that interpreter whatever `python3` is. Looked for, in order: `pythonX.Y` on PATH (a pyenv
# shim counts only if it actually runs), then pyenv's installed versions (a fresh machine of this project has
# 3.12.x and 3.13.x there, though pyenv's global Python is 3.11), then the usual system locations.
set -euo pipefail
version="${1:-3.12}"
name="python${version}"

runs_as_wanted() {
    "$1" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '${version}'.split('.'))))" >/dev/null 2>&1
}

candidates=()
if on_path="$(command -v "$name" 2>/dev/null)"; then candidates+=("$on_path"); fi
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for installed in $(ls -d "$pyenv_root"/versions/"$version".*/bin/"$name" 2>/dev/null | sort -rV); do
    candidates+=("$installed")
done
candidates+=("/usr/local/bin/$name" "/usr/bin/$name")

for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ] && runs_as_wanted "$candidate"; then
        echo "$candidate"
        exit 0
    fi
done

cat >&2 <<MESSAGE
find-python.sh: no working ${name} found (looked on PATH, in ${pyenv_root}/versions and /usr/bin).
Install one, then run make again:
  pyenv install ${version}                # pyenv
  apt-get install ${name} ${name}-venv   # Debian 13 (python3.13) / Ubuntu 24.04 (python3.12)
or choose another version: make package LAMBDA_PYTHON_VERSION=3.13
MESSAGE
exit 1
