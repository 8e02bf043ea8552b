#!/usr/bin/env bash
# Install Debian's SLURM daemons and munge for tests/test_ops_slurm.py, which starts a
# throwaway single-node cluster with deploy/ci/slurm-single-node.sh (root needed to run jobs).
# Nothing is started or enabled here; the test skips with a reason when these are absent.
set -euo pipefail
if command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  slurmctld slurmd slurm-client munge
