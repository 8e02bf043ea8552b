#!/usr/bin/env bash
# Install Debian's chromium for the headless Prefect UI check (tests/test_ops_server.py).
# Safe to rerun; without root it uses sudo. The test skips with a reason when chromium is absent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  chromium --version 2>/dev/null || true
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium fonts-dejavu-core
chromium --version 2>/dev/null || true
