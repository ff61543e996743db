#!/bin/bash
# Milliseconds from starting a gateway script to its "SafeAlloc gateway ready" line (docs/gateway.md,
# "Start-up time"). usage: docs/measure-start.sh GATEWAY_SCRIPT STORAGE_DIR
#   e.g. for r in 1 2 3 4 5; do docs/measure-start.sh bnd/gateway /tmp/st; done
# Keep STORAGE_DIR across runs (and discard the first): it holds the class-data archive.
start=$(date +%s%N)
coproc GW { (sleep 30; echo "stop 0") | "$1" --storage "$2" 2>&1; }
while IFS= read -r line <&"${GW[0]}"; do
  case "$line" in *"gateway ready"*) echo $(( ($(date +%s%N) - start) / 1000000 )); break ;; esac
done
# The gateway's JVM runs with -Dorg.osgi.framework.storage=STORAGE_DIR: stop that one only.
pid=$(pgrep -f -- "-Dorg.osgi.framework.storage=$2( |$)" | head -n 1)
[ -n "$pid" ] && kill "$pid"
wait 2>/dev/null
