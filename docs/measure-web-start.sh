#!/bin/bash
# Measures a gateway jar's start (docs/webconsole.md, "Start-up cost"). usage: measure-web-start.sh JAR CONFIG PORT -> prints ms to ready line and to first HTTP answer (web only)
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
jar=$1; cfg=$2; port=$3
st=$(mktemp -d)
start=$(date +%s%N)
( sleep 40 | $J --sun-misc-unsafe-memory-access=allow -Dorg.osgi.framework.storage=$st -Dconfigurator.initial=file:$cfg -Dorg.osgi.service.http.port=$port -jar $jar > $st/out 2>&1 ) &
ready=; http=
for i in $(seq 1 600); do
  [ -z "$ready" ] && grep -q "gateway ready" $st/out && ready=$(( ($(date +%s%N)-start)/1000000 ))
  if [ -n "$port" ] && [ -z "$http" ]; then
    c=$(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:$port/system/console/safealloc 2>/dev/null)
    [ "$c" = 401 ] && http=$(( ($(date +%s%N)-start)/1000000 ))
  fi
  [ -n "$ready" ] && { [ -z "$port" ] || [ -n "$http" ]; } && break
  sleep 0.05
done
echo "$(basename $jar) ready_ms=$ready http_ms=$http"
pid=$(pgrep -f "framework.storage=$st " ); [ -n "$pid" ] && kill $pid
wait
