#!/usr/bin/env bash
# Time `pillar scan` on the KICS IaC corpora (Terraform and CloudFormation),
# beside checkov when it is installed (../shared/bench/peers.sh checkov).
#
#   bench/iac.sh              # release build, 5 runs each
#   RUNS=9 bench/iac.sh
#   ONLY=real-world RUNS=3 bench/iac.sh   # only the inputs whose label has WORD
#
# The corpora are read in place from ../shared/corpora/iac. Uses hyperfine
# when installed, else /usr/bin/time (median of the runs, CPU = user+sys).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus="$root/../shared/corpora/iac"
runs=${RUNS:-5}
target=${CARGO_TARGET_DIR:-$root/target}
bin="$target/release/pillar"
checkov=${CHECKOV:-$(command -v checkov || true)}
if [[ -z "$checkov" && -x "$HOME/.cache/pillar-peers/checkov/bin/checkov" ]]; then
  checkov="$HOME/.cache/pillar-peers/checkov/bin/checkov"
fi
# A real-world Terraform tree from a package registry (this machine reaches
# no GitHub and no Terraform Registry): the sources of ohbs-cloud 0.1.1 on
# PyPI ship 132 .tf files (7,020 lines) of CIS baseline stacks and modules
# for AWS, Azure, GCP, Alibaba and Tencent Cloud. Pinned; downloaded once,
# outside the repository.
cache=${PILLAR_BENCH_CACHE:-$HOME/.cache/pillar-bench}
real_tree="$cache/ohbs_cloud-0.1.1"
if [[ ! -d "$real_tree" ]]; then
  mkdir -p "$cache/dl"
  if pip download -q --no-deps --no-binary :all: ohbs-cloud==0.1.1 -d "$cache/dl" \
    && tar xzf "$cache/dl/ohbs_cloud-0.1.1.tar.gz" -C "$cache"; then
    :
  else
    echo "could not download ohbs-cloud 0.1.1 from PyPI; the real-world tree is skipped" >&2
  fi
fi

if [[ ! -d "$corpus/kics_corpus" ]]; then
  echo "the IaC corpus is not at $corpus; nothing to measure" >&2
  exit 2
fi
echo "== building pillar (release)"
[[ -n "${SKIP_BUILD:-}" ]] || cargo build --release -q -p pillar-cli --manifest-path "$root/Cargo.toml"

declare -a inputs=(
  "kics terraform|$corpus/kics_corpus/terraform|terraform"
  "kics cloudformation|$corpus/kics_corpus/cloudformation|cloudformation"
  "all KICS AWS terraform|$corpus/kics_all_aws/assets/queries/terraform|terraform"
  "all KICS AWS cloudformation|$corpus/kics_all_aws/assets/queries/cloudFormation|cloudformation"
)
if [[ -d "$real_tree/ohbs_cloud/data" ]]; then
  inputs+=("ohbs-cloud 0.1.1 (real-world tree)|$real_tree/ohbs_cloud/data|terraform")
fi

measure() { # label, command...
  local label=$1; shift
  local cpu=() wall=() mem=()
  for _ in $(seq "$runs"); do
    local out tmp
    tmp=$(mktemp)
    /usr/bin/time -o "$tmp" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -1 "$tmp"); rm -f "$tmp"
    read -r w u s m <<<"$out"
    wall+=("$w"); cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')"); mem+=("$m")
  done
  local med=$(( runs / 2 ))
  printf '%-34s wall %6ss  cpu %6ss  peak %6s MB\n' "$label" \
    "$(printf '%s\n' "${wall[@]}" | sort -n | sed -n "$((med + 1))p")" \
    "$(printf '%s\n' "${cpu[@]}" | sort -n | sed -n "$((med + 1))p")" \
    "$(( $(printf '%s\n' "${mem[@]}" | sort -n | tail -1) / 1024 ))"
}

for entry in "${inputs[@]}"; do
  IFS='|' read -r label dir framework <<<"$entry"
  # ONLY=WORD measures only the inputs whose label contains WORD.
  [[ -z "${ONLY:-}" || "$label" == *"$ONLY"* ]] || continue
  measure "pillar: $label" "$bin" scan "$dir" --format json -o /dev/null
  if [[ -n "$checkov" ]]; then
    measure "checkov: $label" "$checkov" -d "$dir" --framework "$framework" --quiet -o json --skip-download
  fi
done
if [[ -z "$checkov" ]]; then
  echo "checkov not installed: compare with the figures in ../shared/bench/README.md"
fi
