#!/usr/bin/env bash
# compare.sh — chat mode against the raw broker path of the same chatd, in
# the same run, interleaved. See BENCHMARKS.md, "Chat protocol end to end".
#
#   tools/chatbench/chat/compare.sh            # REPEATS=3
#   REPEATS=5 RATE=500 tools/chatbench/chat/compare.sh
#
# One bench/benchd process (the chatd assembly, server.New, with the bench/
# topic namespace open) serves both on one TLS listener:
#   raw   chatbench one-to-one, 100 publishers each with its own subscriber
#         on bench/N, QoS 1, 256-byte payloads, the certificate "bench"
#   chat  chatbench --mode chat: users registered through the protocol
#         (anonymous Register with a CSR, then their own certificates);
#         one-to-one: 200 users, 100 senders each to its own friend;
#         room: 100 members, one sender; 256-byte texts; DER and ETF;
#         recipients acknowledge every inbox entry as the client library
#         does (a notification, no answer; paced once more with each Ack
#         awaiting the server's synced OK); requests at QoS 0 as
#         the client library sends them (the reply acknowledges), and once
#         more at QoS 1 for comparison.
# Closed loop (peak), then chat one-to-one paced at RATE msgs/s (default:
# half the median chat DER peak of the repeats so far). Each paced run,
# raw ones too, starts after SETTLE seconds without load (default 15), so
# that its latency does not include the compactions and collections the
# run before it left behind. The paced DER and ETF runs swap places in
# every other repeat, so that neither format always runs second. For
# each paced chat run, OUT/slow-REP-FORMAT.txt lists when its messages
# over 20 ms were sent, with the store's flushes and compactions
# (bench/slowwindows.py over chatbench --latency-log and benchd --debug).
set -euo pipefail

REPEATS=${REPEATS:-3}
SETTLE=${SETTLE:-15}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=${OUT:-/tmp/chat-e2e-results-$(date -u +%Y%m%dT%H%M%SZ)}
WORK=$(mktemp -d /tmp/chat-e2e-bench.XXXXXX)
mkdir -p "$OUT"
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

(cd "$ROOT" && go build -o "$WORK/bin/" ./bench/benchd ./tools/chatbench)
BIN=$WORK/bin
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN/benchd" --data "$WORK/data" --tls "127.0.0.1:$PORT" --client-cert bench --debug >"$WORK/benchd.log" 2>&1 &
PID=$!
for _ in $(seq 200); do [ -s "$WORK/data/bench.key" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
URL=tls://127.0.0.1:$PORT
CA=(--ca "$WORK/data/ca.pem")
echo "nproc $(nproc); $(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}'); $(go version | awk '{print $3}')" | tee "$OUT/machine.txt" >&2

# run NAME ARGS...: one chatbench run, one JSON line in load.jsonl.
run() {
  local name=$1 load; shift
  load=$(cut -d' ' -f1 /proc/loadavg)
  if "$BIN/chatbench" --url "$URL" "${CA[@]}" --server-pid "$PID" --size 256 --timeout 600s --drain 30s --json "$@" >"$WORK/run.json" 2>"$WORK/run.err" || [ -s "$WORK/run.json" ]; then
    jq -c --arg n "$name" --arg l "$load" --argjson r "$rep" '{name:$n, rep:$r, load:($l|tonumber),
      msgs_per_s, deliveries_per_s, lost:(.lost // 0), duplicated, p50_us:.latency.p50_us, p99_us:.latency.p99_us,
      ack_p50_us:.ack_latency.p50_us, ack_p99_us:.ack_latency.p99_us, server_cpu_s,
      received, inbox_acks, send_errors, publish_errors}' "$WORK/run.json" | tee -a "$OUT/load.jsonl" >&2
  else
    echo "{\"name\":\"$name\",\"rep\":$rep,\"error\":$(jq -Rs . <"$WORK/run.err")}" | tee -a "$OUT/load.jsonl" >&2
  fi
}

RAW=(--mode raw --qos 1 --pattern one-to-one --clients 100 --messages 20000 --id-template bench.b%d --topic-template bench/%d
     --cert "$WORK/data/bench.pem" --key "$WORK/data/bench.key")
for rep in $(seq "$REPEATS"); do
  run raw-1to1-qos1 "${RAW[@]}"
  run chat-1to1-der --mode chat --format der --pattern one-to-one --users 200 --messages 20000
  run raw-1to1-qos1 "${RAW[@]}"
  run chat-1to1-etf --mode chat --format etf --pattern one-to-one --users 200 --messages 20000
  run chat-1to1-der-reqqos1 --mode chat --format der --pattern one-to-one --users 200 --messages 20000 --request-qos 1
  run chat-room100-der --mode chat --format der --pattern room --users 100 --room-size 100 --messages 300
  run chat-room100-etf --mode chat --format etf --pattern room --users 100 --room-size 100 --messages 300
done
rate=${RATE:-$(jq -s '[.[] | select(.name=="chat-1to1-der") | .msgs_per_s] | sort | .[length/2|floor] / 2 | floor' "$OUT/load.jsonl")}
echo "paced rate $rate msgs/s" >&2
for rep in $(seq "$REPEATS"); do
  formats=(der etf)
  [ $((rep % 2)) -eq 0 ] && formats=(etf der)
  for f in "${formats[@]}"; do
    sleep "$SETTLE"
    run "chat-1to1-$f-paced-$rate" --mode chat --format "$f" --pattern one-to-one --users 200 --messages $((rate * 20)) --rate "$rate" \
      --latency-log "$WORK/latency.txt"
    python3 "$ROOT/bench/slowwindows.py" "$WORK/latency.txt" "$WORK/benchd.log" >"$OUT/slow-$rep-$f.txt" || true
  done
  sleep "$SETTLE"
  run "chat-1to1-der-confirmedack-paced-$rate" --mode chat --format der --pattern one-to-one --users 200 --messages $((rate * 20)) --rate "$rate" --confirmed-inbox-ack
  sleep "$SETTLE"
  run "raw-1to1-qos1-paced-$rate" "${RAW[@]/20000/$((rate * 20))}" --rate "$rate"
done
jq -s -r 'group_by(.name)[] | {name:.[0].name, n:length,
    msgs:([.[].msgs_per_s]|sort|.[length/2|floor]), p50:([.[].p50_us]|sort|.[length/2|floor]),
    p99:([.[].p99_us]|sort|.[length/2|floor]), ack99:([.[].ack_p99_us // 0]|sort|.[length/2|floor]),
    lost:([.[].lost]|add), load:([.[].load]|sort|.[length/2|floor])}
  | "\(.name)\t n=\(.n)\t msgs/s \(.msgs|floor)\t p50 \(.p50/1000) ms\t p99 \(.p99/1000) ms\t ack p99 \(.ack99/1000) ms\t lost \(.lost)\t load \(.load)"' \
  "$OUT/load.jsonl" | tee "$OUT/table.txt"
echo "results in $OUT" >&2
