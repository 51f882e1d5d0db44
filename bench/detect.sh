#!/usr/bin/env bash
# Detection benchmark: the 3,774-event CloudTrail corpus repeated N times
# (default 50: ~188,700 events, ~237 MB), run by `pillar detect` with the
# 57 SigmaHQ CloudTrail rules, then with the ~740 Yamato-Security rules.
# Prints events/s, CPU seconds, peak memory, and the ratio to the peer
# figures measured on this kind of machine (../shared/bench/README.md).
#
#   bench/detect.sh [REPEAT]       (PILLAR=path/to/pillar to skip the build)
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
work="target/bench-detect"
mkdir -p "$work"
input="$work/ALL-x$repeat.jsonl"
if [ ! -f "$input" ]; then
  for _ in $(seq "$repeat"); do cat "$corpora/datasets/normalized/ALL.jsonl"; done > "$input"
fi
events=$(wc -l < "$input")
mib=$(( $(stat -c %s "$input") / 1048576 ))
echo "input: $input — $events events, $mib MiB"

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

run() { # label, rules dir
  local label="$1" rules="$2" t0 t1 wall cpu="?" rss=0 user sys
  local tf="$work/time.txt"
  local timer=()
  if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -f "%U %S %M" -o "$tf"); fi
  t0=$(date +%s.%N)
  "${timer[@]}" "$PILLAR" detect --no-default-rules --rules "$rules" "$input" --format json \
    -o "$work/out.json" 2> "$work/stderr.txt" || true
  t1=$(date +%s.%N)
  wall=$(calc "$t1 - $t0")
  if [ -s "$tf" ]; then
    read -r user sys rss < "$tf"
    cpu=$(calc "$user + $sys")
    printf '%-28s %8.2f s wall %8.2f s CPU %9.0f events/s %9.0f events/CPU-s %6d MiB peak\n' \
      "$label" "$wall" "$cpu" "$(calc "$events / $wall")" "$(calc "$events / $cpu")" "$((rss / 1024))"
  else
    printf '%-28s %8.2f s wall %9.0f events/s\n' "$label" "$wall" "$(calc "$events / $wall")"
  fi
  calc "$events / $wall" > "$work/last-eps.txt"
  if [ "$cpu" != "?" ]; then calc "$events / $cpu" > "$work/last-cps.txt"; else cp "$work/last-eps.txt" "$work/last-cps.txt"; fi
}

echo
run "pillar, 57 SigmaHQ rules" "$corpora/sigma_aws/rules"
eps57=$(cat "$work/last-eps.txt")
cps57=$(cat "$work/last-cps.txt")
grep -c '"rule"' "$work/out.json" | sed 's/^/  findings: /' || true
if [ -d "$corpora/suzaku_rules" ]; then
  run "pillar, Yamato rules" "$corpora/suzaku_rules"
  eps700=$(cat "$work/last-eps.txt")
  (grep -o 'rule not loaded' "$work/out.json" || true) | wc -l | sed 's/^/  rules not loaded (reported, not fatal): /'
  printf '  slowdown with the large pack: %.2fx\n' "$(calc "$eps57 / $eps700")"
fi

echo
echo "peers on the same input (../shared/bench/README.md, 2 cores, loaded machine):"
for peer in "jq, one filter:25000" "chainsaw 2.16, SigmaHQ rules:21000" "sigma-rust 0.7, 57 rules:35000"; do
  name="${peer%%:*}"; rate="${peer##*:}"
  printf '  %-32s %7d events/s   pillar/peer: %.1fx (wall), %.1fx (per CPU-second)\n' \
    "$name" "$rate" "$(calc "$eps57 / $rate")" "$(calc "$cps57 / $rate")"
done
