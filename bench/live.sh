#!/usr/bin/env bash
# Live-scan benchmark: `pillar scan --aws` beside Prowler on the same
# insecure account, seeded in the moto emulator, one region (us-east-1).
#
#   bench/live.sh              # 3 runs of each tool (RUNS=N for more)
#   SKIP_PROWLER=1 bench/live.sh
#   PILLAR=target/debug/pillar RUNS=1 bench/live.sh   # no release build
#
# Outside a network namespace it builds the release binary with the `aws`
# feature, installs Prowler with ../shared/bench/peers.sh (its own
# virtualenv, ~10 min the first time), then re-runs itself inside
# scripts/netns-run.sh: moto, the seed script, pillar and Prowler all talk to
# 127.0.0.1 only. Each run starts a fresh moto and seeds it with
# crates/pillar-cli/tests/live/seed_insecure.py (the planted problems and the
# pillar rule ids that should report them), then times the tool with
# /usr/bin/time -v: wall, user+sys CPU, peak RSS. At the end it says which
# planted problems each tool reported as failing (Prowler's check ids are
# mapped to the planted problems in PROWLER_CHECKS below).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
OUT=${OUT:-target/bench-live}
TARGET=${CARGO_TARGET_DIR:-target}

if [ "${PILLAR_IN_NETNS:-}" != 1 ]; then
  # PILLAR=path/to/pillar skips the build (e.g. a debug build with the feature).
  [ -n "${PILLAR:-}" ] || cargo build --release --locked -p pillar-cli --features aws >&2
  if [ -z "${SKIP_PROWLER:-}" ]; then
    PROWLER_BIN=$(../shared/bench/peers.sh prowler)
    export PROWLER_BIN
  fi
  export PILLAR="${PILLAR:-$TARGET/release/pillar}"
  exec scripts/netns-run.sh "$0" "$@"
fi

command -v moto_server >/dev/null || { echo "live.sh: moto_server is not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "live.sh: /usr/bin/time (GNU time) is needed" >&2; exit 2; }
rm -rf "$OUT"
mkdir -p "$OUT"
SEED=crates/pillar-cli/tests/live/seed_insecure.py
PORT=${PORT:-5391}
EP="http://127.0.0.1:$PORT"

start_moto() {
  MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$PORT" >"$OUT/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT))" 2>/dev/null && break
    sleep 0.2
  done
  python3 "$SEED" "$EP" >"$OUT/planted.txt"
  # Reachability scenarios (issue 5): SSH open in the security group, the
  # other layers deciding; `NAME INSTANCE reachable|blocked` per line.
  python3 crates/pillar-cli/tests/live/seed_network.py "$EP" >"$OUT/network-$1.txt"
}

stop_moto() {
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
}

# timed NAME RUN CMD...: one timed run, the figures in $OUT/NAME-RUN.time.
timed() {
  local name=$1 run=$2
  shift 2
  /usr/bin/time -v -o "$OUT/$name-$run.time" "$@" >"$OUT/$name-$run.stdout" 2>"$OUT/$name-$run.stderr" || true
}

for run in $(seq "$RUNS"); do
  start_moto "pillar-$run"
  # One attempt per call, as Prowler is run (--aws-retries-max-attempts 1):
  # moto answers HTTP 500 for the APIs it lacks, which retries only slow.
  timed pillar "$run" "$PILLAR" scan --aws --endpoint-url "$EP" --region us-east-1 \
    --aws-max-attempts 1 --format json -o "$OUT/pillar-$run.json"
  stop_moto
  if [ -n "${PROWLER_BIN:-}" ]; then
    start_moto "prowler-$run"
    rm -rf "$OUT/prowler-$run"
    AWS_ENDPOINT_URL="$EP" timed prowler "$run" "$PROWLER_BIN/prowler" aws -f us-east-1 \
      --no-banner -M json-ocsf --aws-retries-max-attempts 1 -o "$OUT/prowler-$run"
    stop_moto
  fi
done

python3 - "$OUT" "$RUNS" <<'PY'
import glob, json, os, re, statistics, sys

out, runs = sys.argv[1], int(sys.argv[2])

# The Prowler check that reports each planted problem (read from
# `prowler aws --list-checks`); a problem with no such check is not listed.
PROWLER_CHECKS = {
    "iam-policy-admin-attached": ["iam_aws_attached_policy_no_administrative_privileges", "iam_user_administrator_access_policy"],
    "iam-user-policy-attached-directly": ["iam_policy_attached_only_to_group_or_roles"],
    "iam-user-multiple-active-keys": ["iam_user_two_active_access_key"],
    "iam-user-console-without-mfa": ["iam_user_mfa_enabled_console_access"],
    "iam-password-policy-weak": ["iam_password_policy_minimum_length_14", "iam_password_policy_symbol", "iam_password_policy_reuse_24"],
    "iam-role-trust-public": ["iam_role_cross_account_readonlyaccess_policy", "iam_no_custom_policy_permissive_role_assumption"],
    "s3-bucket-public-policy": ["s3_bucket_public_access", "s3_bucket_policy_public_write_access", "s3_bucket_public_list_acl"],
    "s3-bucket-public-access-block-off": ["s3_bucket_level_public_access_block"],
    "s3-bucket-versioning-disabled": ["s3_bucket_object_versioning"],
    "s3-bucket-access-logging-disabled": ["s3_bucket_server_access_logging_enabled"],
    "s3-bucket-tls-not-enforced": ["s3_bucket_secure_transport_policy"],
    "s3-bucket-public-acl": ["s3_bucket_public_access", "s3_bucket_acl_prohibited", "s3_bucket_public_list_acl"],
    "s3-account-public-access-block-off": ["s3_account_level_public_access_blocks"],
    "kms-key-rotation-disabled": ["kms_cmk_rotation_enabled"],
    "secretsmanager-secret-rotation-disabled": ["secretsmanager_automatic_rotation_enabled"],
    "ec2-ebs-default-encryption-disabled": ["ec2_ebs_default_encryption"],
    "ec2-ebs-volume-unencrypted": ["ec2_ebs_volume_encryption"],
    "ec2-ebs-snapshot-public": ["ec2_ebs_public_snapshot"],
    # Prowler has no "any guardrail SCP" check; its region-deny SCP check is the closest.
    "organizations-scp-guardrails-missing": ["organizations_scp_check_deny_regions"],
    "ec2-vpc-flow-logs-disabled": ["vpc_flow_logs_enabled"],
    "ec2-sg-admin-port-open": ["ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", "ec2_securitygroup_allow_ingress_from_internet_to_port_22"],
    "ec2-sg-database-port-open": ["ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306", "ec2_securitygroup_allow_ingress_from_internet_to_port_mysql_3306"],
    "ec2-instance-imdsv1-allowed": ["ec2_instance_imdsv2_enabled"],
    "cloudtrail-multi-region-missing": ["cloudtrail_multi_region_enabled"],
    "guardduty-disabled": ["guardduty_is_enabled"],
    "config-recorder-disabled": ["config_recorder_all_regions_enabled"],
}

def figures(name):
    wall, cpu, rss = [], [], []
    for run in range(1, runs + 1):
        path = f"{out}/{name}-{run}.time"
        if not os.path.exists(path):
            continue
        text = open(path).read()
        def num(label):
            m = re.search(re.escape(label) + r":\s*([\d.:]+)", text)
            return m.group(1) if m else "0"
        w = num("Elapsed (wall clock) time (h:mm:ss or m:ss)")
        parts = [float(p) for p in w.split(":")]
        secs = 0.0
        for p in parts:
            secs = secs * 60 + p
        wall.append(secs)
        cpu.append(float(num("User time (seconds)")) + float(num("System time (seconds)")))
        rss.append(int(num("Maximum resident set size (kbytes)")) / 1024)
    if not wall:
        return None
    return statistics.median(wall), statistics.median(cpu), max(rss)

planted = [l.strip() for l in open(f"{out}/planted.txt") if l.strip()]

def pillar_found(run):
    path = f"{out}/pillar-{run}.json"
    if not os.path.exists(path):
        return set()
    report = json.load(open(path))
    return {f["rule"] for f in report.get("findings", []) if f.get("status") == "fail"}

def prowler_found(run):
    failed = set()
    for path in glob.glob(f"{out}/prowler-{run}/*.ocsf.json"):
        for f in json.load(open(path)):
            if f.get("status_code") == "FAIL":
                failed.add(f.get("metadata", {}).get("event_code"))
    return {rule for rule, checks in PROWLER_CHECKS.items() if failed & set(checks)}, len(failed)

print(f"| tool | wall (median of {runs}) | CPU user+sys (median) | peak RSS |")
print("|---|---|---|---|")
rows = {}
for name in ["pillar", "prowler"]:
    f = figures(name)
    if f:
        rows[name] = f
        print(f"| {name} | {f[0]:.2f} s | {f[1]:.2f} s | {f[2]:.0f} MiB |")
if "pillar" in rows and "prowler" in rows:
    p, q = rows["pillar"], rows["prowler"]
    print(f"\nProwler / pillar: wall x{q[0] / max(p[0], 0.001):.0f}, CPU x{q[1] / max(p[1], 0.001):.0f}, memory x{q[2] / max(p[2], 0.001):.0f}")

found_p = pillar_found(1)
print(f"\nplanted problems: {len(planted)}")
print(f"pillar found {len(found_p & set(planted))}/{len(planted)}")
if "prowler" in rows:
    found_q, checks = prowler_found(1)
    print(f"prowler found {len(found_q & set(planted))}/{len(planted)} (failing checks: {checks})")
    print("\n| planted problem (pillar rule) | pillar | Prowler |")
    print("|---|---|---|")
    for rule in planted:
        p = "yes" if rule in found_p else "no"
        q = "yes" if rule in found_q else ("no check" if rule not in PROWLER_CHECKS else "no")
        print(f"| {rule} | {p} | {q} |")

    # Reachability: pillar's ec2-admin-port-internet-reachable against
    # Prowler's ec2_instance_port_ssh_exposed_to_internet, per instance
    # (instance ids differ between the two moto runs: matched by scenario).
    def scenarios(tag):
        path = f"{out}/network-{tag}.txt"
        if not os.path.exists(path):
            return {}
        return {n: (i, v) for n, i, v in (l.split() for l in open(path) if l.strip())}
    mine, theirs = scenarios("pillar-1"), scenarios("prowler-1")
    report = json.load(open(f"{out}/pillar-1.json"))
    p_fail = {f["resource"]["id"].split("/")[-1] for f in report.get("findings", [])
              if f.get("rule") == "ec2-admin-port-internet-reachable" and f.get("status") == "fail"}
    q_fail = {}
    for path in glob.glob(f"{out}/prowler-1/*.ocsf.json"):
        for f in json.load(open(path)):
            if f.get("metadata", {}).get("event_code") == "ec2_instance_port_ssh_exposed_to_internet" \
                    and f.get("status_code") == "FAIL":
                for r in f.get("resources", []):
                    q_fail[r.get("uid", "").split("/")[-1]] = f.get("severity", "")
    if mine:
        print("\n| SSH-open instance scenario | AWS would | pillar | Prowler |")
        print("|---|---|---|---|")
        right_p = right_q = 0
        for name, (inst, verdict) in mine.items():
            p = "reachable" if inst in p_fail else "not reachable"
            qi = theirs.get(name, ("", ""))[0]
            q = f"FAIL ({q_fail[qi]})" if qi in q_fail else "PASS"
            right_p += (p == "reachable") == (verdict == "reachable")
            right_q += (qi in q_fail) == (verdict == "reachable")
            print(f"| {name} | {verdict} | {p} | {q} |")
        print(f"\nright verdicts: pillar {right_p}/{len(mine)}, Prowler {right_q}/{len(mine)}")
PY
