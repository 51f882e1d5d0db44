#!/usr/bin/env bash
# Collect a pillar snapshot: AWS CLI v2 JSON outputs in the layout of
# docs/snapshot-layout.md. Read-only: it only calls describe-*, get-*,
# list-* and `iam generate-credential-report` (see below).
#
#   scripts/collect-snapshot.sh [--profile P] [--region R]... [--endpoint-url URL] [-o DIR]
#
# Without --region, every region enabled for the account is collected
# (`aws ec2 describe-regions` lists only enabled regions by default).
# A failed call writes {"Error": {"Code": ..., "Message": ...}} instead of
# the output, so pillar can tell "not configured" from "access denied".
# JSON is read with jq when present, else with python3.

set -uo pipefail

PROFILE=""
ENDPOINT=""
OUT="snapshot"
REGIONS=()

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
    printf 'collect-snapshot: %s\n' "$*" >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --profile) [[ $# -ge 2 ]] || die "--profile needs a value"; PROFILE=$2; shift 2 ;;
        --profile=*) PROFILE=${1#*=}; shift ;;
        --region) [[ $# -ge 2 ]] || die "--region needs a value"; REGIONS+=("$2"); shift 2 ;;
        --region=*) REGIONS+=("${1#*=}"); shift ;;
        --endpoint-url) [[ $# -ge 2 ]] || die "--endpoint-url needs a value"; ENDPOINT=$2; shift 2 ;;
        --endpoint-url=*) ENDPOINT=${1#*=}; shift ;;
        -o|--output-dir) [[ $# -ge 2 ]] || die "-o needs a folder"; OUT=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

command -v aws >/dev/null 2>&1 || die "the aws CLI (v2) is not installed"
if command -v jq >/dev/null 2>&1; then
    HAVE_JQ=1
elif command -v python3 >/dev/null 2>&1; then
    HAVE_JQ=0
else
    die "jq or python3 is needed to read the CLI's JSON"
fi

AWS=(aws --output json --no-cli-pager)
[[ -n $PROFILE ]] && AWS+=(--profile "$PROFILE")
[[ -n $ENDPOINT ]] && AWS+=(--endpoint-url "$ENDPOINT")
HOME_REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}

mkdir -p "$OUT" || die "cannot create $OUT"

# ------------------------------------------------------------------ JSON

# values FILE LIST [KEY...]: one line per element of the top-level array
# LIST, with the KEY fields joined by tabs (no KEY: the element itself).
values() {
    local file=$1 list=$2
    shift 2
    [[ -s $file ]] || return 0
    if [[ $HAVE_JQ == 1 ]]; then
        # With --args every later word is a key, so the file comes on stdin.
        jq -r --arg l "$list" '
            (.[$l] // []) | if type == "array" then .[] else empty end
            | . as $e
            | if ($ARGS.positional | length) == 0 then ($e | tostring)
              else [$ARGS.positional[] as $k | ($e[$k] // "" | tostring)] | join("\t") end
        ' --args "$@" <"$file" 2>/dev/null
    else
        python3 - "$file" "$list" "$@" <<'PY' 2>/dev/null
import json, sys
file, lst, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    data = json.load(open(file))
except Exception:
    sys.exit(0)
items = data.get(lst) if isinstance(data, dict) else None
for e in items if isinstance(items, list) else []:
    if not keys:
        print(e)
    elif isinstance(e, dict):
        print("\t".join("" if e.get(k) is None else str(e.get(k)) for k in keys))
PY
    fi
}

# field FILE KEY: a top-level string field ("" when absent or null).
field() {
    local file=$1 key=$2
    [[ -s $file ]] || return 0
    if [[ $HAVE_JQ == 1 ]]; then
        jq -r --arg k "$key" '.[$k] // "" | tostring' "$file" 2>/dev/null
    else
        python3 -c 'import json,sys
try: v = json.load(open(sys.argv[1])).get(sys.argv[2])
except Exception: v = None
print("" if v is None else v)' "$file" "$key" 2>/dev/null
    fi
}

# json_error CODE MESSAGE: the error form, JSON-escaped.
json_error() {
    if [[ $HAVE_JQ == 1 ]]; then
        jq -n --arg c "$1" --arg m "$2" '{Error: {Code: $c, Message: $m}}'
    else
        python3 -c 'import json,sys; print(json.dumps({"Error": {"Code": sys.argv[1], "Message": sys.argv[2]}}, indent=4))' "$1" "$2"
    fi
}

# A per-resource file name: `/` and `:` become `_`.
key() {
    local s=${1//\//_}
    printf '%s' "${s//:/_}"
}

# ----------------------------------------------------------------- calls

# call OUTFILE REGION SERVICE OPERATION [ARGS...]
call() {
    local out=$1 region=$2
    shift 2
    mkdir -p "$(dirname "$out")"
    local err
    err=$(mktemp) || die "cannot create a temporary file"
    local cmd=("${AWS[@]}" --region "${region:-$HOME_REGION}" "$@")
    if "${cmd[@]}" >"$out.tmp" 2>"$err"; then
        # Some calls print nothing for an empty answer (bucket versioning
        # never enabled, logging off): that is `{}`.
        [[ -s $out.tmp ]] || printf '{}\n' >"$out.tmp"
        mv "$out.tmp" "$out"
    else
        # The CLI prints: An error occurred (Code) when calling the Op operation: Message
        local code message
        code=$(sed -n 's/.*An error occurred (\([^)]*\)).*/\1/p' "$err" | head -n 1)
        message=$(sed -n 's/.*An error occurred ([^)]*) when calling the [A-Za-z]* operation[^:]*: //p' "$err" | head -n 1)
        if [[ -z $code ]]; then
            code="CollectorError"
            message=$(head -n 1 "$err")
        fi
        json_error "$code" "$message" >"$out"
        rm -f "$out.tmp"
        printf 'collect-snapshot: %s: %s\n' "${out#"$OUT"/}" "$code" >&2
    fi
    rm -f "$err"
}

# ------------------------------------------------------------ account-wide

echo "collecting account-wide data into $OUT" >&2
call "$OUT/sts-get-caller-identity.json" "" sts get-caller-identity
ACCOUNT=$(field "$OUT/sts-get-caller-identity.json" Account)

call "$OUT/iam-get-account-authorization-details.json" "" iam get-account-authorization-details

# `generate-credential-report` is the one call that is not a describe, get
# or list: it asks IAM to build the credential report (at most every four
# hours) so that `get-credential-report` can return it. It creates only
# that report and changes nothing in the account.
for _ in 1 2 3 4 5 6 7 8 9 10; do
    state=$("${AWS[@]}" --region "$HOME_REGION" iam generate-credential-report \
        --query State --output text 2>/dev/null || true)
    [[ $state == "COMPLETE" ]] && break
    sleep 2
done
call "$OUT/iam-get-credential-report.json" "" iam get-credential-report
call "$OUT/iam-get-account-password-policy.json" "" iam get-account-password-policy
call "$OUT/iam-get-account-summary.json" "" iam get-account-summary

while IFS= read -r user; do
    [[ -n $user ]] || continue
    call "$OUT/iam-list-access-keys/$(key "$user").json" "" iam list-access-keys --user-name "$user"
    while IFS= read -r keyid; do
        [[ -n $keyid ]] || continue
        call "$OUT/iam-get-access-key-last-used/$(key "$keyid").json" "" \
            iam get-access-key-last-used --access-key-id "$keyid"
    done < <(values "$OUT/iam-list-access-keys/$(key "$user").json" AccessKeyMetadata AccessKeyId)
    call "$OUT/iam-list-mfa-devices/$(key "$user").json" "" iam list-mfa-devices --user-name "$user"
done < <(values "$OUT/iam-get-account-authorization-details.json" UserDetailList UserName)

call "$OUT/s3api-list-buckets.json" "" s3api list-buckets
while IFS= read -r bucket; do
    [[ -n $bucket ]] || continue
    k=$(key "$bucket")
    call "$OUT/s3api-get-bucket-location/$k.json" "" s3api get-bucket-location --bucket "$bucket"
    # A null LocationConstraint is us-east-1; `EU` is eu-west-1.
    loc=$(field "$OUT/s3api-get-bucket-location/$k.json" LocationConstraint)
    case "$loc" in
        "") bregion=us-east-1 ;;
        EU) bregion=eu-west-1 ;;
        *) bregion=$loc ;;
    esac
    call "$OUT/s3api-get-bucket-acl/$k.json" "$bregion" s3api get-bucket-acl --bucket "$bucket"
    call "$OUT/s3api-get-bucket-policy/$k.json" "$bregion" s3api get-bucket-policy --bucket "$bucket"
    call "$OUT/s3api-get-public-access-block/$k.json" "$bregion" s3api get-public-access-block --bucket "$bucket"
    call "$OUT/s3api-get-bucket-encryption/$k.json" "$bregion" s3api get-bucket-encryption --bucket "$bucket"
    call "$OUT/s3api-get-bucket-versioning/$k.json" "$bregion" s3api get-bucket-versioning --bucket "$bucket"
    call "$OUT/s3api-get-bucket-logging/$k.json" "$bregion" s3api get-bucket-logging --bucket "$bucket"
    call "$OUT/s3api-get-bucket-lifecycle-configuration/$k.json" "$bregion" \
        s3api get-bucket-lifecycle-configuration --bucket "$bucket"
done < <(values "$OUT/s3api-list-buckets.json" Buckets Name)

if [[ -n $ACCOUNT ]]; then
    call "$OUT/s3control-get-public-access-block.json" "" s3control get-public-access-block --account-id "$ACCOUNT"
fi

call "$OUT/organizations-describe-organization.json" "" organizations describe-organization
# The account's place in the organization (account -> OUs -> root), so that
# only the SCPs and RCPs of its own levels apply.
child=$ACCOUNT
for _ in 1 2 3 4 5 6 7 8; do
    [[ -n $child && $child != r-* ]] || break
    call "$OUT/organizations-list-parents/$(key "$child").json" "" organizations list-parents --child-id "$child"
    child=$(values "$OUT/organizations-list-parents/$(key "$child").json" Parents Id | head -n1)
done
call "$OUT/organizations-list-policies.json" "" organizations list-policies --filter SERVICE_CONTROL_POLICY
call "$OUT/organizations-list-policies-rcp.json" "" organizations list-policies --filter RESOURCE_CONTROL_POLICY
while IFS= read -r pid; do
    [[ -n $pid ]] || continue
    call "$OUT/organizations-describe-policy/$(key "$pid").json" "" organizations describe-policy --policy-id "$pid"
    call "$OUT/organizations-list-targets-for-policy/$(key "$pid").json" "" \
        organizations list-targets-for-policy --policy-id "$pid"
done < <(values "$OUT/organizations-list-policies.json" Policies Id; values "$OUT/organizations-list-policies-rcp.json" Policies Id)

# ---------------------------------------------------------------- regions

if [[ ${#REGIONS[@]} -eq 0 ]]; then
    while IFS= read -r r; do
        [[ -n $r ]] && REGIONS+=("$r")
    done < <("${AWS[@]}" --region "$HOME_REGION" ec2 describe-regions \
        --query 'Regions[].RegionName' --output text 2>/dev/null | tr '\t' '\n')
    [[ ${#REGIONS[@]} -gt 0 ]] || die "cannot list regions; pass --region"
fi

for region in "${REGIONS[@]}"; do
    echo "collecting $region" >&2
    R="$OUT/$region"
    mkdir -p "$R"
    for op in describe-vpcs describe-subnets describe-route-tables describe-internet-gateways \
        describe-nat-gateways describe-egress-only-internet-gateways describe-network-acls \
        describe-security-groups describe-managed-prefix-lists describe-network-interfaces \
        describe-instances describe-addresses describe-volumes get-ebs-encryption-by-default \
        describe-flow-logs; do
        call "$R/ec2-$op.json" "$region" ec2 "$op"
    done
    call "$R/ec2-describe-snapshots.json" "$region" ec2 describe-snapshots --owner-ids self

    while IFS= read -r pl; do
        [[ -n $pl ]] || continue
        call "$R/ec2-get-managed-prefix-list-entries/$(key "$pl").json" "$region" \
            ec2 get-managed-prefix-list-entries --prefix-list-id "$pl"
    done < <(values "$R/ec2-describe-managed-prefix-lists.json" PrefixLists PrefixListId)

    while IFS= read -r snap; do
        [[ -n $snap ]] || continue
        call "$R/ec2-describe-snapshot-attribute/$(key "$snap").json" "$region" \
            ec2 describe-snapshot-attribute --snapshot-id "$snap" --attribute createVolumePermission
    done < <(values "$R/ec2-describe-snapshots.json" Snapshots SnapshotId)

    call "$R/elbv2-describe-load-balancers.json" "$region" elbv2 describe-load-balancers
    while IFS=$'\t' read -r name arn; do
        [[ -n $arn ]] || continue
        call "$R/elbv2-describe-listeners/$(key "$name").json" "$region" \
            elbv2 describe-listeners --load-balancer-arn "$arn"
    done < <(values "$R/elbv2-describe-load-balancers.json" LoadBalancers LoadBalancerName LoadBalancerArn)
    call "$R/elbv2-describe-target-groups.json" "$region" elbv2 describe-target-groups
    while IFS=$'\t' read -r name arn; do
        [[ -n $arn ]] || continue
        call "$R/elbv2-describe-target-health/$(key "$name").json" "$region" \
            elbv2 describe-target-health --target-group-arn "$arn"
        call "$R/elbv2-describe-target-group-attributes/$(key "$name").json" "$region" \
            elbv2 describe-target-group-attributes --target-group-arn "$arn"
    done < <(values "$R/elbv2-describe-target-groups.json" TargetGroups TargetGroupName TargetGroupArn)
    call "$R/elb-describe-load-balancers.json" "$region" elb describe-load-balancers

    call "$R/wafv2-list-web-acls.json" "$region" wafv2 list-web-acls --scope REGIONAL
    while IFS=$'\t' read -r name arn; do
        [[ -n $arn ]] || continue
        call "$R/wafv2-list-resources-for-web-acl/$(key "$name").json" "$region" \
            wafv2 list-resources-for-web-acl --web-acl-arn "$arn"
    done < <(values "$R/wafv2-list-web-acls.json" WebACLs Name ARN)

    call "$R/kms-list-keys.json" "$region" kms list-keys
    call "$R/kms-list-aliases.json" "$region" kms list-aliases
    while IFS= read -r kid; do
        [[ -n $kid ]] || continue
        k=$(key "$kid")
        call "$R/kms-describe-key/$k.json" "$region" kms describe-key --key-id "$kid"
        call "$R/kms-get-key-rotation-status/$k.json" "$region" kms get-key-rotation-status --key-id "$kid"
        call "$R/kms-get-key-policy/$k.json" "$region" kms get-key-policy --key-id "$kid" --policy-name default
    done < <(values "$R/kms-list-keys.json" Keys KeyId)

    call "$R/secretsmanager-list-secrets.json" "$region" secretsmanager list-secrets

    call "$R/rds-describe-db-instances.json" "$region" rds describe-db-instances
    call "$R/rds-describe-db-snapshots.json" "$region" rds describe-db-snapshots
    while IFS= read -r sid; do
        [[ -n $sid ]] || continue
        call "$R/rds-describe-db-snapshot-attributes/$(key "$sid").json" "$region" \
            rds describe-db-snapshot-attributes --db-snapshot-identifier "$sid"
    done < <(values "$R/rds-describe-db-snapshots.json" DBSnapshots DBSnapshotIdentifier)
    call "$R/rds-describe-db-cluster-snapshots.json" "$region" rds describe-db-cluster-snapshots
    while IFS= read -r sid; do
        [[ -n $sid ]] || continue
        call "$R/rds-describe-db-cluster-snapshot-attributes/$(key "$sid").json" "$region" \
            rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier "$sid"
    done < <(values "$R/rds-describe-db-cluster-snapshots.json" DBClusterSnapshots DBClusterSnapshotIdentifier)

    call "$R/lambda-list-functions.json" "$region" lambda list-functions
    while IFS= read -r fn; do
        [[ -n $fn ]] || continue
        call "$R/lambda-get-policy/$(key "$fn").json" "$region" lambda get-policy --function-name "$fn"
        call "$R/lambda-get-function-url-config/$(key "$fn").json" "$region" \
            lambda get-function-url-config --function-name "$fn"
    done < <(values "$R/lambda-list-functions.json" Functions FunctionName)

    call "$R/cloudtrail-describe-trails.json" "$region" cloudtrail describe-trails
    # Trails from other regions are listed too (shadow trails); their ARN
    # reaches them from here.
    while IFS=$'\t' read -r name arn; do
        [[ -n $name ]] || continue
        call "$R/cloudtrail-get-trail-status/$(key "$name").json" "$region" \
            cloudtrail get-trail-status --name "${arn:-$name}"
        call "$R/cloudtrail-get-event-selectors/$(key "$name").json" "$region" \
            cloudtrail get-event-selectors --trail-name "${arn:-$name}"
    done < <(values "$R/cloudtrail-describe-trails.json" trailList Name TrailARN)

    call "$R/guardduty-list-detectors.json" "$region" guardduty list-detectors
    while IFS= read -r det; do
        [[ -n $det ]] || continue
        call "$R/guardduty-get-detector/$(key "$det").json" "$region" guardduty get-detector --detector-id "$det"
    done < <(values "$R/guardduty-list-detectors.json" DetectorIds)

    call "$R/securityhub-describe-hub.json" "$region" securityhub describe-hub
    call "$R/securityhub-get-enabled-standards.json" "$region" securityhub get-enabled-standards
    call "$R/configservice-describe-configuration-recorders.json" "$region" configservice describe-configuration-recorders
    call "$R/configservice-describe-configuration-recorder-status.json" "$region" \
        configservice describe-configuration-recorder-status
    call "$R/accessanalyzer-list-analyzers.json" "$region" accessanalyzer list-analyzers

    call "$R/events-list-rules.json" "$region" events list-rules
    while IFS= read -r rule; do
        [[ -n $rule ]] || continue
        call "$R/events-list-targets-by-rule/$(key "$rule").json" "$region" events list-targets-by-rule --rule "$rule"
    done < <(values "$R/events-list-rules.json" Rules Name)

    call "$R/logs-describe-log-groups.json" "$region" logs describe-log-groups

    # Resource policies of queues and topics, VPC endpoint policies, and
    # ECS tasks with their task roles (for pillar iam).
    call "$R/sqs-list-queues.json" "$region" sqs list-queues
    while IFS= read -r url; do
        [[ -n $url ]] || continue
        call "$R/sqs-get-queue-attributes/$(key "${url##*/}").json" "$region" \
            sqs get-queue-attributes --queue-url "$url" --attribute-names All
    done < <(values "$R/sqs-list-queues.json" QueueUrls)
    call "$R/sns-list-topics.json" "$region" sns list-topics
    while IFS= read -r arn; do
        [[ -n $arn ]] || continue
        call "$R/sns-get-topic-attributes/$(key "${arn##*:}").json" "$region" \
            sns get-topic-attributes --topic-arn "$arn"
    done < <(values "$R/sns-list-topics.json" Topics TopicArn)
    call "$R/ec2-describe-vpc-endpoints.json" "$region" ec2 describe-vpc-endpoints
    call "$R/ecs-list-clusters.json" "$region" ecs list-clusters
    while IFS= read -r cluster; do
        [[ -n $cluster ]] || continue
        c=$(key "${cluster##*/}")
        call "$R/ecs-list-tasks/$c.json" "$region" ecs list-tasks --cluster "$cluster"
        # describe-tasks takes at most 100 tasks per call: the first 100.
        tasks=()
        while IFS= read -r t; do
            [[ -n $t && ${#tasks[@]} -lt 100 ]] && tasks+=("$t")
        done < <(values "$R/ecs-list-tasks/$c.json" taskArns)
        [[ ${#tasks[@]} -gt 0 ]] || continue
        call "$R/ecs-describe-tasks/$c.json" "$region" ecs describe-tasks --cluster "$cluster" --tasks "${tasks[@]}"
        while IFS= read -r def; do
            [[ -n $def ]] || continue
            f="$R/ecs-describe-task-definition/$(key "${def##*/}").json"
            [[ -e $f ]] || call "$f" "$region" ecs describe-task-definition --task-definition "$def"
        done < <(values "$R/ecs-describe-tasks/$c.json" tasks taskDefinitionArn)
    done < <(values "$R/ecs-list-clusters.json" clusterArns)
done

# ------------------------------------------------------------ metadata

COLLECTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [[ $HAVE_JQ == 1 ]]; then
    jq -n --arg t "$COLLECTED_AT" --arg a "$ACCOUNT" '{collected_at: $t, account_id: (if $a == "" then null else $a end), regions: $ARGS.positional}' \
        --args "${REGIONS[@]}" >"$OUT/pillar-snapshot.json"
else
    python3 -c 'import json,sys; print(json.dumps({"collected_at": sys.argv[1], "account_id": sys.argv[2] or None, "regions": sys.argv[3:]}, indent=4))' \
        "$COLLECTED_AT" "$ACCOUNT" "${REGIONS[@]}" >"$OUT/pillar-snapshot.json"
fi
echo "snapshot written to $OUT" >&2
