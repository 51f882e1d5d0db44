#!/usr/bin/env bash
# CredData side by side: pillar, detect-secrets and Kingfisher on the same
# CredData files (../shared/corpora/secrets/creddata), each scored at line
# level by bench/creddata_score.py with the scoring of pillar's conformance
# test (see that file's docstring and bench/README.md).
#
#   bench/creddata.sh [--peers "detect-secrets kingfisher"]
#
# Needs: a pillar build (release by default: `cargo build --release -p
# pillar-cli`; PILLAR=path to choose another), python3, /usr/bin/time, and
# the peers from ../shared/bench/peers.sh (installed on first use into
# ~/.cache/pillar-peers). Writes the raw outputs and per-tool line lists to
# target/bench-creddata/ and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
peers="detect-secrets kingfisher"
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) peers=$2; shift 2 ;;
    *) echo "usage: $0 [--peers \"detect-secrets kingfisher\"]" >&2; exit 2 ;;
  esac
done
corpus=$(cd "$repo/../shared/corpora/secrets/creddata" 2>/dev/null && pwd) || {
  echo "skipped: CredData not found at ../shared/corpora/secrets/creddata" >&2; exit 0; }
pillar=${PILLAR:-${CARGO_TARGET_DIR:-target}/release/pillar}
case "$pillar" in /*) ;; *) pillar="$repo/$pillar" ;; esac
[ -x "$pillar" ] || { echo "build first: cargo build --release -p pillar-cli ($pillar missing)" >&2; exit 2; }
out="$repo/target/bench-creddata"
mkdir -p "$out"
cpu() { # NAME CMD...: run in the corpus folder, record user+sys seconds and peak KiB
  local name=$1; shift
  (cd "$corpus" && /usr/bin/time -f "%U %S %M" -o "$out/$name.time" "$@" > "$out/$name.stdout" 2> "$out/$name.stderr") || true
  # GNU time puts "Command exited with non-zero status N" first when so.
  read -r u s m < <(tail -n 1 "$out/$name.time") || true
  printf '%-22s %6.2f s CPU  %7d KiB peak\n' "$name" "$(echo "$u + $s" | bc)" "${m:-0}" >> "$out/times.txt"
}
: > "$out/times.txt"

echo "== pillar ($pillar)" >&2
cpu pillar "$pillar" secrets data --no-ignore --format json -o "$out/pillar.json"
python3 - "$out/pillar.json" "$out" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
with open(sys.argv[2] + "/pillar.tsv", "w") as a, open(sys.argv[2] + "/pillar-high.tsv", "w") as h:
    for f in v["findings"]:
        loc = f.get("location") or {}
        if loc.get("line") is None:
            continue
        row = f"{loc['file']}\t{loc['line']}\n"
        a.write(row)
        if (f.get("evidence") or {}).get("confidence") == "high":
            h.write(row)
PY
tools=("pillar=$out/pillar.tsv" "pillar-high-only=$out/pillar-high.tsv")

for peer in $peers; do
  bin=$("$repo/../shared/bench/peers.sh" "$peer")
  case "$peer" in
    detect-secrets)
      echo "== detect-secrets" >&2
      cpu detect-secrets "$bin/detect-secrets" scan --all-files data
      python3 - "$out/detect-secrets.stdout" "$out/detect-secrets.tsv" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as o:
    for path, items in v["results"].items():
        for it in items:
            o.write(f"{path}\t{it['line_number']}\n")
PY
      tools+=("detect-secrets=$out/detect-secrets.tsv") ;;
    kingfisher)
      for conf in medium low; do
        echo "== kingfisher (confidence $conf)" >&2
        cpu "kingfisher-$conf" "$bin/kingfisher" scan data --no-validate --git-history none --no-dedup \
          -c "$conf" --format json -o "$out/kingfisher-$conf.json"
        python3 - "$out/kingfisher-$conf.json" "$out/kingfisher-$conf.tsv" "$corpus" <<'PY'
import json, os, sys
v = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as o:
    for f in v.get("findings", []):
        g = f["finding"]
        p = g["path"]
        if os.path.isabs(p):
            p = os.path.relpath(p, sys.argv[3])
        o.write(f"{p}\t{g['line']}\n")
PY
        tools+=("kingfisher-$conf=$out/kingfisher-$conf.tsv")
      done ;;
    *) echo "unknown peer: $peer" >&2; exit 2 ;;
  esac
done

python3 "$repo/bench/creddata_score.py" "$corpus" "${tools[@]}"
echo
cat "$out/times.txt"
