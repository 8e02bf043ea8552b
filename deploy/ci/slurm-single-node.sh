#!/usr/bin/env bash
# Start a throwaway single-node SLURM (munge + slurmctld + slurmd) under DIR, for tests.
#
#   deploy/ci/slurm-single-node.sh start DIR    # prints `export SLURM_CONF=DIR/slurm.conf`
#   deploy/ci/slurm-single-node.sh stop DIR
#
# Needs Debian's slurmctld, slurmd, slurm-client and munge (apt-get install -y
# --no-install-recommends slurmctld slurmd slurm-client munge) and root (slurmd runs jobs as
# the submitting user). Everything lives in DIR: its own munge key and socket, spool, state, logs,
# ports; nothing under /etc or /var is touched. Keep DIR short (unix socket paths). One node "localhost", one partition "debug",
# CPUs and memory as this machine reports them; no cgroups, no accounting.
set -euo pipefail
cmd=${1:?start|stop}
dir=$(realpath -m "${2:?DIR}")
pids="$dir/pids"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  # slurmstepd puts unix sockets under the spool dir; their paths must stay under 108 bytes
  if [ ${#dir} -gt 60 ]; then
    echo "DIR '$dir' is too long for slurmstepd's sockets; use a short one like /tmp/slurm.XXXX" >&2
    exit 2
  fi
  mkdir -p "$dir"/{munge,spool,state,log}
  chmod 700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1k count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" --force
  cat "$dir/munge/munged.pid" > "$pids"
  local cpus mem ctld_port d_port
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  ctld_port=$(free_port)
  d_port=$(free_port)
  cat > "$dir/slurm.conf" <<CONF
ClusterName=chaosflow-ci
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/slurmd-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
NodeName=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -i
  slurmd
  for _ in $(seq 1 60); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      cat "$dir/slurmctld.pid" "$dir/slurmd.pid" >> "$pids"
      echo "export SLURM_CONF=$SLURM_CONF"
      return 0
    fi
    sleep 1
  done
  echo "slurm did not come up; logs in $dir/log" >&2
  tail -20 "$dir"/log/*.log >&2 || true
  exit 1
}

stop() {
  [ -f "$pids" ] || exit 0
  # only the daemons this script started, by their recorded ids
  local ids
  ids=$(cat "$pids")
  for pid in $ids; do kill "$pid" 2>/dev/null || true; done
  # slurmctld saves its state on the way out: wait, so DIR can be removed afterwards
  for _ in $(seq 1 30); do
    alive=0
    for pid in $ids; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  rm -f "$pids"
}

"$cmd"
