#!/usr/bin/env bash
# Installs the Debian packages the build needs when they are missing (libopenblas-dev, pkg-config).
# Runs apt-get as root, or through sudo when available.
set -euo pipefail
missing=()
for pkg in libopenblas-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install_deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
