#!/usr/bin/env bash
# Time `pillar scan` on a large synthetic snapshot, beside `jq` reading the
# same files (the floor: parsing the JSON and nothing else).
#
#   bench/scan.sh                 # ~100k resources, target/bench-snapshot
#   SCALE=0.1 bench/scan.sh       # a smaller snapshot (its own folder)
#   RUNS=9 bench/scan.sh          # more runs
#
# Environment: SCALE (default 1.0), RUNS (default 5), BENCH_SNAPSHOT (the
# folder; default target/bench-snapshot, or target/bench-snapshot-SCALE when
# SCALE is not 1.0), CARGO_TARGET_DIR (where the release build goes).
# Uses hyperfine when installed, else /usr/bin/time -v.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scale=${SCALE:-1.0}
runs=${RUNS:-5}
if [[ "$scale" == "1" || "$scale" == "1.0" ]]; then
  default_dir="$root/target/bench-snapshot"
else
  default_dir="$root/target/bench-snapshot-$scale"
fi
dir=${BENCH_SNAPSHOT:-$default_dir}
target=${CARGO_TARGET_DIR:-$root/target}
bin="$target/release/pillar"

if [[ ! -f "$dir/pillar-snapshot.json" ]]; then
  echo "== generating the snapshot (scale $scale) in $dir"
  python3 "$root/bench/gen_snapshot.py" "$dir" --scale "$scale"
else
  echo "== reusing $dir (delete it to regenerate)"
fi
files=$(find "$dir" -name '*.json' | wc -l)
size=$(du -sh "$dir" | cut -f1)
echo "   $files files, $size"

echo "== building: cargo build --release -p pillar-cli"
(cd "$root" && cargo build --release -p pillar-cli)
[[ -x "$bin" ]] || { echo "no binary at $bin" >&2; exit 2; }

# pillar exits 1 when it reports findings (the synthetic account has many);
# only 2 and above (usage or input errors, crashes) fail the benchmark.
pillar_cmd="\"$bin\" scan \"$dir\" --format json -o /dev/null; test \$? -le 1"
# jq over every file; find | xargs because the file list exceeds ARG_MAX
# (this is `jq -c . DIR/**/*.json > /dev/null` in effect).
jq_cmd="find \"$dir\" -name '*.json' -print0 | xargs -0 jq -c . > /dev/null"

echo "== $("$bin" --version 2>/dev/null || echo pillar), $(jq --version), $(nproc) cores, $runs runs"

if command -v hyperfine > /dev/null; then
  json=$(mktemp)
  hyperfine -w1 -r"$runs" --export-json "$json" -n pillar "$pillar_cmd" -n jq "$jq_cmd"
  python3 - "$json" <<'EOF'
import json, statistics, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
p, j = res["pillar"], res["jq"]
pw, jw = statistics.median(p["times"]), statistics.median(j["times"])
pc, jc = p["user"] + p["system"], j["user"] + j["system"]
print(f"pillar: median wall {pw:.2f} s, mean user+sys {pc:.2f} s")
print(f"jq:     median wall {jw:.2f} s, mean user+sys {jc:.2f} s")
print(f"ratio pillar/jq: wall {pw / jw:.2f}x, CPU {pc / jc:.2f}x")
mem = p.get("memory_usage_byte")  # recent hyperfine versions only
if mem:
    print(f"pillar peak RSS: {max(mem) / 2**20:.0f} MB")
EOF
  rm -f "$json"
  exit 0
fi

# No hyperfine: alternate the two commands, /usr/bin/time -v each run.
[[ -x /usr/bin/time ]] || { echo "need hyperfine or /usr/bin/time (GNU time)" >&2; exit 2; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
echo "== warm-up (one run each, fills the page cache)"
sh -c "$pillar_cmd"
sh -c "$jq_cmd"
for i in $(seq 1 "$runs"); do
  for tool in pillar jq; do
    cmd=$pillar_cmd
    [[ $tool == jq ]] && cmd=$jq_cmd
    /usr/bin/time -v -o "$log/$tool.$i" sh -c "$cmd"
    printf '   run %d %-6s %s\n' "$i" "$tool" \
      "$(grep 'Elapsed (wall clock)' "$log/$tool.$i" | awk '{print $NF}')"
  done
done
python3 - "$log" "$runs" <<'EOF'
import os, statistics, sys
log, runs = sys.argv[1], int(sys.argv[2])

def secs(text):
    parts = [float(x) for x in text.split(":")]
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total

def read(tool):
    wall, cpu, rss = [], [], []
    for i in range(1, runs + 1):
        fields = {}
        for line in open(os.path.join(log, f"{tool}.{i}")):
            if ":" in line:
                k, _, v = line.strip().rpartition(": ")
                fields[k.strip()] = v.strip()
        wall.append(secs(fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"]))
        cpu.append(float(fields["User time (seconds)"]) + float(fields["System time (seconds)"]))
        rss.append(int(fields["Maximum resident set size (kbytes)"]) / 1024)
    return statistics.median(wall), statistics.median(cpu), max(rss)

p, j = read("pillar"), read("jq")
print(f"{'':8}{'median wall':>14}{'median user+sys':>18}{'peak RSS':>12}")
for name, (w, c, r) in (("pillar", p), ("jq", j)):
    print(f"{name:8}{w:>12.2f} s{c:>16.2f} s{r:>9.0f} MB")
print(f"ratio pillar/jq: wall {p[0] / j[0]:.2f}x, CPU {p[1] / j[1]:.2f}x")
print("(jq's peak RSS is one jq process of the xargs batch; user+sys covers them all)")
EOF
