#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on loopback for the fleet tests (runs as root).
#   local_slurm.sh start DIR [WATCH_PID]  munged + slurmctld + slurmd under DIR; prints SLURM_CONF=...
#                                          With WATCH_PID, a watchdog stops everything once that
#                                          process is gone (the test crashed or was killed).
#   local_slurm.sh stop DIR               stops the daemons and removes DIR
# A second node, "ghost", is declared in partition "ghost" but never started (for the test of
# a node that never comes up).
set -euo pipefail
cmd=$1
dir=$(realpath -m "$2")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stop() {
  for d in slurmd slurmctld munged; do
    if [ -f "$dir/$d.pid" ]; then
      pid=$(cat "$dir/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  # Job steps started by slurmd (slurmstepd) belong to the cluster too.
  if [ -f "$dir/slurm.conf" ]; then
    for p in $(pgrep -f "slurmstepd" || true); do
      grep -qs "$dir" "/proc/$p/environ" && kill -9 "$p" 2>/dev/null || true
    done
  fi
  rm -rf "$dir"
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR [WATCH_PID]" >&2; exit 2; }
for b in munged slurmctld slurmd sbatch; do
  command -v "$b" >/dev/null || { echo "local_slurm: $b not installed (slurm-wlm, munge)" >&2; exit 3; }
done
[ "$(id -u)" -eq 0 ] || { echo "local_slurm: needs root (slurmd runs jobs as their user)" >&2; exit 3; }

mkdir -p "$dir"/{spool,state,munge,log}
chmod 700 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
host=$(hostname -s)
# slurmctld must run on a host named in SlurmctldHost, and with NoCtldInAddrAny/NoInAddrAny the
# daemons bind to the address that name resolves to: it has to be loopback.
addr=$(getent hosts "$host" | awk '{print $1; exit}')
case "$addr" in
  127.*) ;;
  *) echo "local_slurm: '$host' resolves to '${addr:-nothing}', not loopback: the test cluster would listen beyond this machine" >&2; exit 3 ;;
esac
ctld_port=$(free_port)
slurmd_port=$(free_port)
cat >"$dir/slurm.conf" <<CONF
ClusterName=inferlabtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/linear
ReturnToService=2
MinJobAge=3600
SlurmdTimeout=30
InactiveLimit=0
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
NodeName=ghost NodeAddr=127.0.0.2 CPUs=1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
PartitionName=ghost Nodes=ghost MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

munged -f --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed"
slurmctld -i -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1
slurmd -f "$SLURM_CONF" -N "$host" >"$dir/log/slurmd.out" 2>&1

if [ -n "${3:-}" ]; then
  watch=$3
  setsid bash -c "while kill -0 $watch 2>/dev/null && [ -d '$dir' ]; do sleep 1; done; '$0' stop '$dir'" \
    </dev/null >/dev/null 2>&1 &
fi

# Ready when the node is idle.
for _ in $(seq 300); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && { echo "SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.1
done
echo "local_slurm: node $host did not become idle (state '${state:-?}'); logs in $dir/log" >&2
tail -5 "$dir"/log/*.log >&2 || true
exit 4
