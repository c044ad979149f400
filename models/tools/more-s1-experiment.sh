#!/usr/bin/env bash
# Stage 1 (countable or not) for the bone-marrow set, from ensemble B's backbone (README, "Stage 1 from ensemble B"):
#   models/tools/more-s1-experiment.sh OUT [INIT]   (after more-b-experiment.sh OUT; about 35 min on 2 cores)
# INIT: the ensemble B whose backbone it starts from (default OUT/b/model, the model more-b-experiment.sh trained).
# 1. OUT/s1/split.tsv over the same data as ensemble B plus framed matek-bm/train's NIF (uncountable): every
#    countable image in ensemble B's part (OUT/b/split.tsv: no image B trained on is tested here); the NIF images
#    the shipped default stage 1 holds out to the test part (validate's halves deal them), of the other NIF images
#    sorted by name every fifth to validation, the rest to training.
# 2. EfficientNet-b0 at 128 px from INIT's weights (--init copies the backbone; the two-class head starts anew),
#    Zhou's protocol (cross-entropy at the natural class prior, no DERS), lr 3e-4 cosine, augmented, 10 x 80 of 32,
#    keeping the epoch of best validation ROC AUC (SELECT=roc-auc, the default; or accuracy, balanced-accuracy).
# 3. Reports on the validation and test parts of the kept epoch (OUT/s1/report-{val,test}) and of the last one
#    (OUT/s1/model/checkpoint: OUT/s1/last-{val,test}). The 2026-12-07 runs kept epoch 1 by plain and by balanced
#    validation accuracy, which barely move when 1 cell in 8 is not identifiable and the model calls nearly all
#    cells countable at the argmax; by ROC AUC (threshold-free): README, "Stage 1 from ensemble B's backbone".
set -euo pipefail
out=${1:?output folder}
out="$(cd "$out" && pwd)"
# shellcheck source=framed-b-data.sh
. "$(dirname "${BASH_SOURCE[0]}")/framed-b-data.sh"
common+=(--data "$out/framed/matek-bm/more")
init=${2:-$out/b/model}
d="$out/s1"
mkdir -p "$d"
if [[ ! -f $d/split.tsv ]]; then
  ./leukostream train --task countable "${common[@]}" "${seed[@]}" --epochs 1 --max-steps-per-epoch 1 --out "$d/probe" >/dev/null
  awk -F'\t' '!/^#/ && $3 ~ /^NIF\// {print $2 "/" $3}' "$models/default/countable/heldout.tsv" > "$d/heldout-nif.tsv"
  awk -F'\t' -v OFS='\t' 'FILENAME == ARGV[1] { held[$1] = 1; next }
    /^#/ { if (FILENAME == ARGV[3]) print; next }
    { n = split($4, p, "/"); key = p[n-3] "/" p[n-2] "/" p[n-1] "/" p[n] }
    FILENAME == ARGV[2] { part[key] = $1; next }
    p[n-1] == "NIF" { i = nif++; $1 = key in held ? "test" : (i % 5 == 1 ? "val" : "train"); print; next }
    { if (!(key in part)) { print "not in ensemble B split: " key > "/dev/stderr"; exit 1 } $1 = part[key]; print }' \
    "$d/heldout-nif.tsv" "$out/b/split.tsv" <(sort -t$'\t' -k4,4 "$d/probe/split.tsv") > "$d/split.tsv"
  rm -rf "$d/probe"
fi
resume=()
[[ -d $d/model/checkpoint ]] && resume=(--resume)
./leukostream train --task countable "${common[@]}" "${seed[@]}" --arch efficientnet_b0 --preset medium --augment \
  --protocol zhou --select-by "${SELECT:-roc-auc}" --lr 3e-4 --cosine --epochs 10 --max-steps-per-epoch 80 \
  --split "$d/split.tsv" --name countable-efficientnet \
  --init "$init" --version "${VERSION:-experiment}" --out "$d/model" "${resume[@]}"
for part in val test; do
  ./leukostream evaluate --task countable "${common[@]}" --model "$d/model" --split "$d/split.tsv" --part $part \
    --out "$d/report-$part"
  ./leukostream evaluate --task countable "${common[@]}" --model "$d/model/checkpoint" --split "$d/split.tsv" \
    --part $part --out "$d/last-$part"
done
