#!/usr/bin/env bash
# Reproduces the 2026-12-02 ensemble A experiment of the README ("Calibrated counts on real cells"): an EfficientNet
# at the medium preset (128 px), augmented, with promyelocytes and monocytes as hard negatives, trained on
# matek-bm/train only (matek-bm/more stays unseen), on a seed-9 split whose test part also holds the MON / PMO
# images ensemble B holds out (so `validate` uses monocytes neither ensemble trained on).
#   models/tools/ensemble-a-experiment.sh OUT [--synthetic]     (about 30 min on 2 cores; run from the repository root)
# Writes OUT/split.tsv, OUT/model (the trained model) and OUT/report (its test part). With --synthetic the split is
# dealt with the synthetic cells in it; the README's run kept the real images' parts of the run without them.
# DATA=DIR trains on another copy of matek-bm/train with the same folders and file names, e.g. the framed copy
# `leukostream frame` writes (models/tools/framed-experiment.sh).
set -euo pipefail
out=${1:?output folder}
synthetic=()
[[ ${2:-} == --synthetic ]] && synthetic=(--synthetic 400 --synthetic-dir "$out/synthetic-cells")
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
held="$here/src/main/resources/org/leukostream/models/default/wbc-resnet50/heldout.tsv"
data=${DATA:-../shared/datasets/matek-bm/train}
common=(--task blast --data "$data" "${synthetic[@]}" --alias PMO=normal --alias MON=normal --seed 9
  --arch efficientnet_b0 --preset medium)
mkdir -p "$out"
# 1. the seeded split, as train writes it (one step into a scratch model)
./leukostream train "${common[@]}" --epochs 1 --max-steps-per-epoch 1 --out "$out/probe" >/dev/null
# 2. ensemble B's held-out MON / PMO images into the test part (split.tsv: part, label, group, file)
awk -F'\t' -v OFS='\t' 'NR == FNR { if ($2 == "matek-bm/train" && $3 ~ /^(MON|PMO)\//) keep[$3] = 1; next }
  /^#/ { print; next }
  { n = split($4, p, "/"); if ((p[n-1] "/" p[n]) in keep) $1 = "test"; print }' \
  "$held" "$out/probe/split.tsv" > "$out/split.tsv"
rm -rf "$out/probe"
# 3. train and measure the test part
./leukostream train "${common[@]}" --augment --lr 1e-3 --cosine --epochs 10 --max-steps-per-epoch 60 \
  --split "$out/split.tsv" --name blast-efficientnet --version experiment --out "$out/model"
./leukostream evaluate --task blast --data "$data" "${synthetic[@]}" --model "$out/model" --split "$out/split.tsv" \
  --part test --max-false-blast-rate 0.05 --out "$out/report"
