#!/usr/bin/env bash
# Secrets benchmark: build a large source tree from a registry, plant 50 fake
# secrets at recorded lines, and time `pillar secrets` against the ripgrep
# floor (16 hand-written patterns, `rg -j2`) and, when asked, against
# Kingfisher and detect-secrets (../shared/bench/peers.sh).
#
#   bench/secrets.sh [--copies N] [--runs R] [--peers "kingfisher detect-secrets"]
#
# The tree is `cargo vendor` of this workspace's dependencies (sources from
# crates.io), copied N times (default 3) under target/bench-secrets/tree.
# Needs: a release build (`cargo build --release -p pillar-cli`), python3,
# /usr/bin/time, rg (Debian package ripgrep). Prints CPU seconds (user+sys,
# median of R runs), peak memory, ratios, and whether every planted secret
# was found.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=3
runs=3
peers=""
while [ $# -gt 0 ]; do
  case "$1" in
    --copies) copies=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    *) echo "usage: $0 [--copies N] [--runs R] [--peers \"kingfisher detect-secrets\"]" >&2; exit 2 ;;
  esac
done
work=target/bench-secrets
tree=$work/tree
pillar=${PILLAR:-${CARGO_TARGET_DIR:-target}/release/pillar}
[ -x "$pillar" ] || { echo "build first: cargo build --release -p pillar-cli ($pillar missing)" >&2; exit 2; }
mkdir -p "$work"

if [ ! -f "$work/tree.done" ] || [ "$(cat "$work/tree.done")" != "$copies" ]; then
  rm -rf "$tree" "$work/vendored"
  echo "== vendoring this workspace's dependencies (crates.io)" >&2
  cargo vendor --locked --versioned-dirs -q "$work/vendored" > /dev/null
  mkdir -p "$tree"
  for i in $(seq 1 "$copies"); do cp -r "$work/vendored" "$tree/copy$i"; done
  rm -rf "$work/vendored"
  echo "$copies" > "$work/tree.done"
  rm -f "$work/planted.tsv"
fi

if [ ! -f "$work/planted.tsv" ]; then
  echo "== planting 50 secrets" >&2
  python3 - "$tree" "$work/planted.tsv" <<'PY'
import os, random, string, sys, zlib
tree, out = sys.argv[1], sys.argv[2]
rnd = random.Random(4242)
A = string.ascii_letters + string.digits
def r(n, alpha=A): return "".join(rnd.choice(alpha) for _ in range(n))
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(n, w=6):
    s = ""
    while n: s = B62[n % 62] + s; n //= 62
    return s.rjust(w, "0")
def github():
    body = r(30); return "ghp_" + body + b62(zlib.crc32(body.encode()))
# (rule, lines to insert, offset of the secret's line within them)
kinds = [
    ("aws-access-key-id", lambda: ['const DEPLOY_KEY_ID: &str = "AKIA%s";' % r(16, string.ascii_uppercase + "234567")], 0),
    ("aws-secret-access-key", lambda: ['let aws_secret_access_key = "%s";' % r(40, A + "+/")], 0),
    ("github-token", lambda: ['// ci token: %s' % github()], 0),
    ("slack-token", lambda: ['const SLACK: &str = "xoxb-%s-%s-%s";' % (r(11, string.digits), r(13, string.digits), r(24))], 0),
    ("stripe-secret-key", lambda: ['const STRIPE: &str = "sk_live_%s";' % r(32)], 0),
    ("private-key-pem", lambda: ["/*", "-----BEGIN RSA PRIVATE KEY-----", r(64, A + "+/"), r(64, A + "+/"), "-----END RSA PRIVATE KEY-----", "*/"], 2),
    ("postgres-url-password", lambda: ['const DB: &str = "postgres://svc:%s@db.internal:5432/app";' % r(16)], 0),
    ("mongodb-url-password", lambda: ['const MONGO: &str = "mongodb+srv://svc:%s@cluster0.example.net/app";' % r(16)], 0),
    ("generic-password-assignment", lambda: ['let db_password = "%s";' % (r(10) + "9!")], 0),
    ("google-api-key", lambda: ['const MAPS_KEY: &str = "AIza%s";' % r(35, A + "_-")], 0),
]
files = []
for root, dirs, names in os.walk(tree):
    dirs.sort()
    for n in sorted(names):
        if n.endswith(".rs"):
            files.append(os.path.join(root, n))
rnd.shuffle(files)
rows, used = [], 0
for rule, make, offset in kinds:
    for _ in range(5):
        path = files[used]; used += 1
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            lines = f.read().split("\n")
        at = rnd.randrange(0, max(1, len(lines)))
        new = make()
        lines[at:at] = new
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("\n".join(lines))
        rows.append((path, at + 1 + offset, rule))
with open(out, "w") as f:
    for p, l, rule in rows:
        f.write(f"{p}\t{l}\t{rule}\n")
print(f"planted {len(rows)} secrets in {len(rows)} files", file=sys.stderr)
PY
fi

files=$(find "$tree" -type f | wc -l)
size=$(du -sm "$tree" | cut -f1)
echo "== tree: $tree, $files files, $size MB, $copies copies"

# 16 hand-written patterns for the ripgrep floor.
cat > "$work/patterns.txt" <<'EOF'
(AKIA|ASIA)[A-Z0-9]{16}
aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}
gh[pousr]_[A-Za-z0-9]{36}
github_pat_[A-Za-z0-9_]{82}
glpat-[A-Za-z0-9_-]{20}
xox[baprs]-[0-9A-Za-z-]{10,}
sk_live_[0-9A-Za-z]{20,}
-----BEGIN [A-Z ]*PRIVATE KEY-----
postgres(ql)?://[^:@/\s]+:[^@/\s]+@
mysql://[^:@/\s]+:[^@/\s]+@
mongodb(\+srv)?://[^:@/\s]+:[^@/\s]+@
redis://[^:@/\s]*:[^@/\s]+@
AIza[0-9A-Za-z_-]{35}
SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}
eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}
(password|passwd|pwd)\s*[=:]\s*["'][^"'\s]{6,}["']
EOF

# run NAME CMD...: time R runs, print the median CPU (user+sys) and peak RSS.
declare -A cpu mem
run() {
  local name=$1; shift
  local samples=()
  local peak=0
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%U %S %M" -o "$work/time.txt" "$@" > "$work/$name.out" 2> "$work/$name.err" || true
    read -r u s m < <(tail -n1 "$work/time.txt")
    samples+=("$(python3 -c "print(round($u + $s, 2))")")
    [ "$m" -gt "$peak" ] && peak=$m
  done
  cpu[$name]=$(printf '%s\n' "${samples[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  mem[$name]=$((peak / 1024))
  echo "$name: ${cpu[$name]} s CPU (median of $runs: ${samples[*]}), ${mem[$name]} MB peak"
}

echo "== timing (median CPU seconds of $runs runs)"
run pillar "$pillar" secrets "$tree" --no-ignore -j 2 --format json -o "$work/pillar.json"
if command -v rg > /dev/null; then
  run rg rg -j2 -uuu -c -f "$work/patterns.txt" "$tree"
  run rg-walk rg -j2 -uuu -c -F "pillar-bench-needle-that-never-occurs" "$tree"
else
  echo "rg not installed (Debian: apt-get install ripgrep): no floor"
fi
for p in $peers; do
  bin=$(../shared/bench/peers.sh "$p")
  case "$p" in
    kingfisher) run kingfisher "$bin/kingfisher" scan "$tree" --no-validate --git-history none -j 2 --format json ;;
    detect-secrets) run detect-secrets "$bin/detect-secrets" scan --all-files "$tree" ;;
  esac
done

echo "== planted secrets found by pillar"
python3 - "$work/planted.tsv" "$work/pillar.json" <<'PY'
import json, sys
planted = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
report = json.load(open(sys.argv[2]))
got = {(f["location"]["file"], f["location"]["line"], f["rule"]) for f in report["findings"] if f.get("location")}
lines = {(p, l) for p, l, _ in got}
missed = [(p, l, r) for p, l, r in planted if (p, int(l)) not in lines]
print(f"found {len(planted) - len(missed)} of {len(planted)} planted; {len(report['findings'])} findings in all")
for m in missed:
    print("  missed:", *m)
by_rule = {}
for f in report["findings"]:
    by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
print("  findings by rule:", ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items())))
sys.exit(1 if missed else 0)
PY

echo "== ratios (CPU)"
for other in rg rg-walk kingfisher detect-secrets; do
  if [ -n "${cpu[$other]:-}" ]; then
    python3 -c "print('pillar / $other: %.2f' % (${cpu[pillar]} / max(${cpu[$other]}, 0.01)))"
  fi
done
