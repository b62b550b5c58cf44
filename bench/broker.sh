#!/usr/bin/env bash
# broker.sh — chatd's broker path against Debian's mosquitto, same machine,
# same run, interleaved. See BENCHMARKS.md, "Broker: chatd vs mosquitto".
#
#   bench/broker.sh                 # full matrix, REPEATS=3
#   REPEATS=5 IDLE_N=5000 bench/broker.sh
#   ONLY=idle bench/broker.sh       # idle memory only; ONLY=load for throughput only
#
# chatd is run as bench/benchd: server.New with TCP, TLS and QUIC listeners
# on loopback, a fresh data directory, and server.Tuning.BenchmarkTopics,
# which lets every connected client publish and subscribe under bench/.
# Everything else is chatd's production path: authentication (anonymous on
# TCP, the client certificate "bench" issued by chatd's CA on TLS and QUIC),
# the ACL check on every publish and every delivery, the Pebble session
# store (synced writes for QoS 1) and the metrics hooks.
# mosquitto 2.0 runs with persistence off, set_tcp_nodelay, anonymous
# access, and a TLS listener using chatd's server certificate and requiring
# a client certificate from chatd's CA.
#
# Load: chatbench, QoS 1, 256-byte payloads, MQTT 5 (paho):
#   1:1      100 publishers each with its own subscriber (200 connections)
#   fan-out  1 publisher, 100 subscribers on one topic
# each closed loop (peak) and paced at 2,000 messages delivered per second
# (1:1: 2,000 publishes/s; fan-out: 20 publishes/s x 100 subscribers).
# CPU per message is the broker's user+system time (/proc/PID/stat) over
# the run divided by messages delivered.
# Idle memory: IDLE_N connections (MQTT CONNECT, then silence) to a fresh
# broker process; (VmRSS after - VmRSS before) / IDLE_N.
set -euo pipefail

REPEATS=${REPEATS:-3}
IDLE_N=${IDLE_N:-5000}
IDLE_REPEATS=${IDLE_REPEATS:-$REPEATS}
ONLY=${ONLY:-all}
SETTLE=${SETTLE:-10}               # seconds between connecting and reading VmRSS
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/results/broker-$(date -u +%Y%m%dT%H%M%SZ)}
BENCHD_FLAGS=${BENCHD_FLAGS:-}     # e.g. "--read-buffer 1024"
IDLE_TRANSPORTS=${IDLE_TRANSPORTS:-tcp tls}
IDLE_BROKERS=${IDLE_BROKERS:-chatd mosquitto}
LOAD_TRANSPORTS=${LOAD_TRANSPORTS:-tcp tls}
LOAD_QUIC=${LOAD_QUIC:-1}

ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((IDLE_N + 1000)) ] || { echo "ulimit -n $(ulimit -n) is too low for IDLE_N=$IDLE_N" >&2; exit 1; }
command -v "$MOSQUITTO" >/dev/null || { echo "mosquitto missing: $MOSQUITTO" >&2; exit 1; }

WORK=$(mktemp -d /tmp/chat-broker-bench.XXXXXX)
mkdir -p "$OUT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building into $WORK/bin" >&2
(cd "$ROOT" && go build -o "$WORK/bin/" ./bench/benchd ./bench/idleconns ./tools/chatbench)
BIN=$WORK/bin

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
freeudp() { python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
waitport() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; return 1; }

# start_chatd DIR: starts benchd; sets CHATD_PID, C_TCP, C_TLS, C_QUIC.
start_chatd() {
  local dir=$1
  C_TCP=$(freeport); C_TLS=$(freeport); C_QUIC=$(freeudp)
  "$BIN/benchd" --data "$dir" --tcp "127.0.0.1:$C_TCP" --tls "127.0.0.1:$C_TLS" --quic "127.0.0.1:$C_QUIC" \
    --client-cert bench $BENCHD_FLAGS >"$dir.log" 2>&1 &
  CHATD_PID=$!; PIDS+=("$CHATD_PID")
  waitport "$C_TCP"; waitport "$C_TLS"
  for _ in $(seq 100); do [ -s "$dir/bench.key" ] && break; sleep 0.05; done
}

# start_mosquitto DIR CERTDIR: sets MOSQ_PID, M_TCP, M_TLS.
start_mosquitto() {
  local dir=$1 certs=$2
  mkdir -p "$dir"
  M_TCP=$(freeport); M_TLS=$(freeport)
  cat >"$dir/mosquitto.conf" <<EOF
user $(id -un)
persistence false
log_dest none
allow_anonymous true
set_tcp_nodelay true
listener $M_TCP 127.0.0.1
listener $M_TLS 127.0.0.1
cafile $certs/ca.pem
certfile $certs/server.pem
keyfile $certs/server.key
require_certificate true
EOF
  "$MOSQUITTO" -c "$dir/mosquitto.conf" >"$dir.log" 2>&1 &
  MOSQ_PID=$!; PIDS+=("$MOSQ_PID")
  waitport "$M_TCP"; waitport "$M_TLS"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

machine() {
  echo "nproc $(nproc); $(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}'); $(free -m | awk '/Mem:/ {print $2" MiB RAM"}'); $(go version | awk '{print $3}'); mosquitto $("$MOSQUITTO" -h 2>&1 | awk 'NR==1 {print $3}')"
}
machine | tee "$OUT/machine.txt" >&2

# ---------------------------------------------------------------- idle memory
# idle BROKER TRANSPORT: one fresh broker, IDLE_N idle connections.
idle() {
  local broker=$1 tr=$2 dir="$WORK/idle-$1-$2-$rep" pid url id args=()
  local certs="$WORK/certs-$1-$2-$rep"
  start_chatd "$certs"   # chatd's CA and certificates (mosquitto uses them too)
  if [ "$broker" = mosquitto ]; then
    stop "$CHATD_PID"
    start_mosquitto "$dir" "$certs"; pid=$MOSQ_PID
    [ "$tr" = tcp ] && url=tcp://127.0.0.1:$M_TCP || url=tls://127.0.0.1:$M_TLS
    id=m.i%d
  else
    pid=$CHATD_PID
    [ "$tr" = tcp ] && url=tcp://127.0.0.1:$C_TCP || url=tls://127.0.0.1:$C_TLS
    [ "$tr" = tcp ] && id=anon.i%d || id=bench.i%d
  fi
  [ "$tr" = tls ] && args=(--ca "$certs/ca.pem" --cert "$certs/bench.pem" --key "$certs/bench.key")
  sleep 2
  local before; before=$(rss_kib "$pid")
  mkfifo "$dir.fifo"
  "$BIN/idleconns" --url "$url" --n "$IDLE_N" --id-template "$id" "${args[@]}" <"$dir.fifo" >"$dir.idle" 2>&1 &
  local ipid=$!
  exec 7>"$dir.fifo"   # holds the connections open until closed
  for _ in $(seq 1200); do grep -q ready "$dir.idle" 2>/dev/null && break; kill -0 $ipid 2>/dev/null || break; sleep 0.25; done
  if ! grep -q ready "$dir.idle"; then cat "$dir.idle" >&2; exec 7>&-; stop "$pid"; return 1; fi
  sleep "$SETTLE"
  local after; after=$(rss_kib "$pid")
  exec 7>&-
  wait $ipid || true
  stop "$pid"
  printf '{"broker":"%s","transport":"%s","n":%d,"rss_before_kib":%d,"rss_after_kib":%d,"kib_per_conn":%.2f,"load":"%s"}\n' \
    "$broker" "$tr" "$IDLE_N" "$before" "$after" "$(echo "($after - $before) / $IDLE_N" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/idle.jsonl" >&2
}

if [ "$ONLY" = all ] || [ "$ONLY" = idle ]; then
  for rep in $(seq "$IDLE_REPEATS"); do
    for tr in $IDLE_TRANSPORTS; do
      for b in $IDLE_BROKERS; do idle "$b" "$tr"; done
    done
  done
fi

# ----------------------------------------------------------------- throughput
if [ "$ONLY" = all ] || [ "$ONLY" = load ]; then
  start_chatd "$WORK/chatd"
  CERTS=$WORK/chatd
  start_mosquitto "$WORK/mosquitto" "$CERTS"
  TLSARGS=(--ca "$CERTS/ca.pem" --cert "$CERTS/bench.pem" --key "$CERTS/bench.key")

  # run NAME BROKER TRANSPORT PATTERN MODE: one chatbench run, one JSON line.
  run() {
    local broker=$1 tr=$2 pattern=$3 mode=$4 url pid id args=() load
    case $broker/$tr in
      chatd/tcp)      url=tcp://127.0.0.1:$C_TCP; pid=$CHATD_PID; id=anon.b%d ;;
      chatd/tls)      url=tls://127.0.0.1:$C_TLS; pid=$CHATD_PID; id=bench.b%d; args=("${TLSARGS[@]}") ;;
      chatd/quic)     url=quic://127.0.0.1:$C_QUIC; pid=$CHATD_PID; id=bench.b%d; args=("${TLSARGS[@]}") ;;
      mosquitto/tcp)  url=tcp://127.0.0.1:$M_TCP; pid=$MOSQ_PID; id=m.b%d ;;
      mosquitto/tls)  url=tls://127.0.0.1:$M_TLS; pid=$MOSQ_PID; id=m.b%d; args=("${TLSARGS[@]}") ;;
    esac
    if [ "$pattern" = one-to-one ]; then
      args+=(--pattern one-to-one --clients 100)
      [ "$mode" = paced ] && args+=(--rate 2000 --messages 20000) || args+=(--messages 20000)
    else
      args+=(--pattern fan-out --subscribers 100)
      [ "$mode" = paced ] && args+=(--rate 20 --messages 200) || args+=(--messages 200)
    fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    "$BIN/chatbench" --url "$url" --qos 1 --size 256 --id-template "$id" --topic-template bench/%d \
      --server-pid "$pid" --timeout 180s --drain 20s --json "${args[@]}" >"$WORK/run.json" 2>"$WORK/run.err" || true
    if [ -s "$WORK/run.json" ]; then
      jq -c --arg b "$broker" --arg t "$tr" --arg m "$mode" --arg l "$load" --argjson r "$rep" \
        '{broker:$b, transport:$t, pattern:.pattern, mode:$m, rep:$r, load:($l|tonumber), msgs_per_s, received, lost, duplicated, stray, publish_errors, p50_us:.latency.p50_us, p99_us:.latency.p99_us, server_cpu_s, cpu_us_per_msg:(if .received > 0 then .server_cpu_s*1e6/.received else null end)}' \
        "$WORK/run.json" | tee -a "$OUT/load.jsonl" >&2
    else
      echo "{\"broker\":\"$broker\",\"transport\":\"$tr\",\"pattern\":\"$pattern\",\"mode\":\"$mode\",\"rep\":$rep,\"error\":$(jq -Rs . <"$WORK/run.err")}" | tee -a "$OUT/load.jsonl" >&2
    fi
  }

  for rep in $(seq "$REPEATS"); do
    for pattern in one-to-one fan-out; do
      for mode in peak paced; do
        for tr in $LOAD_TRANSPORTS; do
          run chatd "$tr" "$pattern" "$mode"
          run mosquitto "$tr" "$pattern" "$mode"
        done
        if [ "$LOAD_QUIC" = 1 ]; then run chatd quic "$pattern" "$mode"; fi
      done
    done
  done
  stop "$CHATD_PID"; stop "$MOSQ_PID"
fi

python3 "$ROOT/bench/broker_table.py" "$OUT" | tee "$OUT/table.md"
echo "results in $OUT" >&2
