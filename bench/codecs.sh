#!/usr/bin/env bash
# codecs.sh — the codec numbers of BENCHMARKS.md in one run: generated DER
# and ETF codecs, the hand-written floor, encoding/asn1 and Erlang/OTP
# (asn1 'CHAT':encode/decode, term_to_binary/binary_to_term; erl-ns/op is
# Erlang's own time measured inside the VM) on the same three samples.
#
#   bench/codecs.sh            # COUNT=8 repetitions, medians
#   COUNT=12 bench/codecs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-8}
out=${OUT:-bench/codecs.txt}
go test ./conformance -run '^$' -bench '^(BenchmarkCodec|BenchmarkBaseline|BenchmarkErlang.*)$' \
  -benchmem -count "$count" -timeout 60m | tee "$out" >/dev/null
echo "# $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# go test ./conformance -bench '^(BenchmarkCodec|BenchmarkBaseline|BenchmarkErlang.*)\$' -benchmem -count $count"
# Median of every metric per benchmark name.
awk '
/^Benchmark/ {
  name=$1; sub(/-[0-9]+$/, "", name)
  for (i = 3; i < NF; i += 2) { key = name SUBSEP $(i+1); n[key]++; v[key, n[key]] = $i; units[$(i+1)] = 1; names[name] = 1 }
}
function median(key,   m, i, j, t, a) {
  m = n[key]; for (i = 1; i <= m; i++) a[i] = v[key, i]
  for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
  return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
  for (name in names) {
    line = "| " name
    split("ns/op erl-ns/op MB/s B/op allocs/op", us, " ")
    for (u = 1; u <= 5; u++) { key = name SUBSEP us[u]; line = line " | " ((key in n) ? sprintf("%.4g", median(key)) : "") }
    print "1" line " |"
    for (u = 1; u <= 5; u++) { key = name SUBSEP us[u]; if (key in n) med[name, us[u]] = median(key) }
  }
  # Ratios the acceptance criteria name.
  s = "BenchmarkCodec/SmallMessage/"; b = "BenchmarkBaseline/SmallMessage/"
  printf "2\n2| ratio (medians, same run) | value |\n2|---|---:|\n"
  printf "3010| generated DER encode / hand-written encode | %.2f× |\n", med[s "DER-Encode", "ns/op"] / med[b "Hand-Encode", "ns/op"]
  printf "3020| generated DER decode / hand-written decode | %.2f× |\n", med[s "DER-Decode", "ns/op"] / med[b "Hand-Decode", "ns/op"]
  printf "3030| encoding/asn1 encode / generated DER encode | %.1f× |\n", med[b "Stdlib-Encode", "ns/op"] / med[s "DER-Encode", "ns/op"]
  printf "3040| encoding/asn1 decode / generated DER decode | %.1f× |\n", med[b "Stdlib-Decode", "ns/op"] / med[s "DER-Decode", "ns/op"]
  printf "3041| encoding/asn1 decode / generated DER decode without the copy (UnmarshalDERNoCopy) | %.1f× |\n", med[b "Stdlib-Decode", "ns/op"] / med[s "DER-DecodeNoCopy", "ns/op"]
  printf "3042| generated DER decode without the copy / hand-written decode | %.2f× |\n", med[s "DER-DecodeNoCopy", "ns/op"] / med[b "Hand-Decode", "ns/op"]
  e = "BenchmarkErlang"
  if ((e "TermToBinary/SmallMessage", "erl-ns/op") in med) {
    printf "3050| Erlang term_to_binary / generated ETF encode | %.1f× |\n", med[e "TermToBinary/SmallMessage", "erl-ns/op"] / med[s "ETF-Encode", "ns/op"]
    printf "3060| Erlang binary_to_term / generated ETF decode | %.1f× |\n", med[e "BinaryToTerm/SmallMessage", "erl-ns/op"] / med[s "ETF-Decode", "ns/op"]
    printf "3061| Erlang binary_to_term / generated ETF decode without the copy | %.1f× |\n", med[e "BinaryToTerm/SmallMessage", "erl-ns/op"] / med[s "ETF-DecodeNoCopy", "ns/op"]
    printf "3070| Erlang asn1 encode / generated DER encode | %.1f× |\n", med[e "EncodeDER/SmallMessage", "erl-ns/op"] / med[s "DER-Encode", "ns/op"]
    printf "3080| Erlang asn1 decode / generated DER decode | %.1f× |\n", med[e "DecodeDER/SmallMessage", "erl-ns/op"] / med[s "DER-Decode", "ns/op"]
  }
  print "0| benchmark | ns/op | erl-ns/op | MB/s | B/op | allocs/op |"
  print "0|---|---:|---:|---:|---:|---:|"
}' "$out" | sort -s -t'|' -k1,1n -k2,2 | sed 's/^[0-9]*//' 
