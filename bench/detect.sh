#!/usr/bin/env bash
# Detection benchmark: the 3,774-event CloudTrail corpus repeated N times
# (default 50: ~188,700 events, ~237 MB), run by `pillar detect` with the
# 57 SigmaHQ CloudTrail rules, then with the ~740 Yamato-Security rules.
# Prints events/s, CPU seconds, peak memory, and the ratio to the peer
# figures measured on this kind of machine (../shared/bench/README.md).
#
#   bench/detect.sh [REPEAT]       (PILLAR=path/to/pillar to skip the build,
#                                   RUNS=N runs per pack, best CPU time kept,
#                                   PEERS=1 to run sigma-cli beside it)
#
# Machines here are shared: CPU seconds (user+sys) are steadier than wall,
# and the best of a few runs is the closest to the real cost.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat="${1:-50}"
corpora="${CORPORA:-../shared/corpora/detect}"
if [ ! -f "$corpora/datasets/normalized/ALL.jsonl" ]; then
  echo "skipped: $corpora is absent (the shared corpora are not here)"
  exit 0
fi
target="${CARGO_TARGET_DIR:-target}"
if [ -z "${PILLAR:-}" ]; then
  cargo build --release -q -p pillar-cli
  PILLAR="$target/release/pillar"
fi
work="$target/bench-detect"
runs="${RUNS:-3}"
mkdir -p "$work"
input="$work/ALL-x$repeat.jsonl"
if [ ! -f "$input" ]; then
  for _ in $(seq "$repeat"); do cat "$corpora/datasets/normalized/ALL.jsonl"; done > "$input"
fi
events=$(wc -l < "$input")
mib=$(( $(stat -c %s "$input") / 1048576 ))
echo "input: $input — $events events, $mib MiB"

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

run() { # label, rules dir: the run with the least CPU time of $runs
  local label="$1" rules="$2" t0 t1 wall cpu rss user sys i
  local best_cpu="" best_wall="" best_rss=0
  local tf="$work/time.txt"
  if [ ! -x /usr/bin/time ]; then
    echo "skipped: /usr/bin/time is needed for CPU time"; return
  fi
  for i in $(seq "$runs"); do
    t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S %M" -o "$tf" "$PILLAR" detect --no-default-rules --rules "$rules" "$input" \
      --format json -o "$work/out.json" 2> "$work/stderr.txt" || true
    t1=$(date +%s.%N)
    wall=$(calc "$t1 - $t0")
    read -r user sys rss < "$tf"
    cpu=$(calc "$user + $sys")
    if [ -z "$best_cpu" ] || awk "BEGIN { exit !($cpu < $best_cpu) }"; then
      best_cpu="$cpu"; best_wall="$wall"; best_rss="$rss"
    fi
  done
  printf '%-28s %8.2f s wall %8.2f s CPU %9.0f events/s %9.0f events/CPU-s %6d MiB peak (best of %d)\n' \
    "$label" "$best_wall" "$best_cpu" "$(calc "$events / $best_wall")" "$(calc "$events / $best_cpu")" \
    "$((best_rss / 1024))" "$runs"
  calc "$events / $best_wall" > "$work/last-eps.txt"
  calc "$events / $best_cpu" > "$work/last-cps.txt"
}

echo
run "pillar, 57 SigmaHQ rules" "$corpora/sigma_aws/rules"
eps57=$(cat "$work/last-eps.txt")
cps57=$(cat "$work/last-cps.txt")
grep -c '"rule"' "$work/out.json" | sed 's/^/  findings: /' || true
if [ -d "$corpora/suzaku_rules" ]; then
  run "pillar, Yamato rules" "$corpora/suzaku_rules"
  cps700=$(cat "$work/last-cps.txt")
  (grep -o 'rule not loaded' "$work/out.json" || true) | wc -l | sed 's/^/  rules not loaded (reported, not fatal): /'
  printf '  slowdown with the large pack (CPU time): %.2fx\n' "$(calc "$cps57 / $cps700")"
fi

# PEERS=1: the Sigma reference toolchain on the same input, in this run
# (sigma-cli + pySigma SQLite backend, installed by ../shared/bench/peers.sh).
if [ "${PEERS:-0}" = 1 ] && [ -x ../shared/bench/peers.sh ]; then
  echo
  sigma_bin=$(../shared/bench/peers.sh sigma)
  tf="$work/time.txt"
  /usr/bin/time -f "%U %S %M %e" -o "$tf" "$sigma_bin/sigma" convert -t sqlite \
    "$corpora/sigma_aws/rules" > "$work/sigma.sql" 2> /dev/null || true
  read -r user sys rss wall < "$tf"
  conv=$(calc "$user + $sys")
  /usr/bin/time -f "%U %S %M %e" -o "$tf" "$sigma_bin/python" bench/detect_sigma_peer.py \
    "$work/sigma.sql" "$input" "$corpora/datasets/normalized/ALL.jsonl" > "$work/sigma-out.json"
  read -r user sys rss wall < "$tf"
  cpu=$(calc "$user + $sys")
  printf '%-28s %8.2f s wall %8.2f s CPU %9.0f events/s %9.0f events/CPU-s %6d MiB peak (+ %.2f s CPU to convert the rules)\n' \
    "sigma-cli + SQLite, 57 rules" "$wall" "$cpu" "$(calc "$events / $wall")" "$(calc "$events / $cpu")" \
    "$((rss / 1024))" "$conv"
  printf '  pillar/sigma-cli: %.1fx (events per CPU-second, rules converted beforehand)\n' \
    "$(calc "$cps57 / ($events / $cpu)")"
  grep -o '"error[^"]*"' "$work/sigma-out.json" | sed 's/^/  sigma query failed: /' || true
fi

echo
echo "peers on the same input (../shared/bench/README.md, 2 cores, loaded machine):"
for peer in "jq, one filter:25000" "chainsaw 2.16, SigmaHQ rules:21000" "sigma-rust 0.7, 57 rules:35000"; do
  name="${peer%%:*}"; rate="${peer##*:}"
  printf '  %-32s %7d events/s   pillar/peer: %.1fx (wall), %.1fx (per CPU-second)\n' \
    "$name" "$rate" "$(calc "$eps57 / $rate")" "$(calc "$cps57 / $rate")"
done
