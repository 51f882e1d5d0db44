#!/usr/bin/env python3
"""Line-level scoring of secrets scanners on CredData (bench/creddata.sh).

    creddata_score.py CREDDATA_DIR NAME=FINDINGS.tsv [NAME=FINDINGS.tsv ...]

FINDINGS.tsv: one `path<TAB>line` per finding (path relative to CREDDATA_DIR,
as `data/<repo>/...`; line from 1). The scoring is the one of pillar's
conformance test (crates/pillar-secrets/tests/conformance.rs,
`creddata_precision_and_recall`), so the figures compare:

* truth: per (file, line), from meta/*.csv rows with GroundTruth T or F
  (X, undecided, is left out); a line is a credential when any row covering
  it (LineStart..=LineEnd) says T;
* a flagged line is a line some finding names; a credential labelled over
  several lines (a PEM key) counts as found, all its lines, when a finding
  falls anywhere within its LineStart..=LineEnd;
* tp: flagged lines labelled T; fp: flagged lines labelled F, plus flagged
  lines that carry no label at all (unlabelled, counted against the tool);
  fn: T lines not flagged;
* recall = tp / (tp + fn); precision = tp / (tp + fp + unlabelled).

Python 3 standard library only.
"""
import os
import sys


def load_truth(root):
    labelled = {}
    meta = os.path.join(root, "meta")
    for name in sorted(os.listdir(meta)):
        with open(os.path.join(meta, name), encoding="utf-8") as f:
            for line in f.read().splitlines()[1:]:
                cols = line.split(",")
                path, start, end, gt = cols[4], int(cols[5]), int(cols[6]), cols[7]
                if gt not in ("T", "F"):
                    continue
                labelled.setdefault(path, []).append((start, end, gt == "T"))
    truth = {}
    for path, rows in labelled.items():
        for s, e, t in rows:
            for l in range(s, e + 1):
                truth[(path, l)] = truth.get((path, l), False) or t
    return labelled, truth


def score(labelled, truth, flagged):
    hit = set(flagged)
    for path, rows in labelled.items():
        for s, e, t in rows:
            if t and e > s and any((path, l) in flagged for l in range(s, e + 1)):
                hit.update((path, l) for l in range(s, e + 1))
    tp = sum(1 for l in hit if truth.get(l) is True)
    fp = sum(1 for l in hit if truth.get(l) is False)
    unl = sum(1 for l in hit if l not in truth)
    fn = sum(1 for l, t in truth.items() if t and l not in hit)
    recall = tp / max(tp + fn, 1)
    precision = tp / max(tp + fp + unl, 1)
    return dict(findings_lines=len(flagged), tp=tp, fp=fp, unlabelled=unl, fn=fn,
                recall=recall, precision=precision)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    root = sys.argv[1]
    labelled, truth = load_truth(root)
    positives = sum(1 for t in truth.values() if t)
    print(f"CredData: {len(truth)} labelled lines, {positives} true credentials")
    print(f"{'tool':<22} {'lines':>6} {'tp':>5} {'fp':>4} {'unlab':>5} {'fn':>5} {'recall':>7} {'precision':>9}")
    for arg in sys.argv[2:]:
        name, _, path = arg.partition("=")
        flagged = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                p, _, n = line.rstrip("\n").partition("\t")
                if n:
                    flagged.add((p, int(n)))
        r = score(labelled, truth, flagged)
        print(f"{name:<22} {r['findings_lines']:>6} {r['tp']:>5} {r['fp']:>4} {r['unlabelled']:>5} "
              f"{r['fn']:>5} {100 * r['recall']:>6.1f}% {100 * r['precision']:>8.1f}%")


if __name__ == "__main__":
    main()
