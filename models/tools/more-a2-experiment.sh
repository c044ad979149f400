#!/usr/bin/env bash
# A second ensemble-A member for the bone-marrow set, started from ensemble B's backbone (README, "A second member"):
#   models/tools/more-a2-experiment.sh OUT MORE_A_RUN [INIT]   (about 30 min on 2 cores; from the repository root)
# MORE_A_RUN is the OUT of more-a-experiment.sh: its data (framed matek-bm/train + matek-bm/more, BLA/LYT/MON/PMO)
# and split.tsv, the split the shipped marrow ensemble A was trained on, used unchanged: same training, validation
# and test parts, so both members and their ensemble are measured on the same 692 held-out cells.
# INIT: the ensemble B whose backbone the member starts from (default: the shipped marrow ensemble B; any model
# directory works, parameters of matching name and shape are copied). NAME and SEED: the model's name (default
# blast-efficientnet-from-b) and the training seed (default 11); INPUT_SIZE trains at that side instead of the
# preset's 128 px (train --input-size; more-a-sizes.sh). Ensemble B
# trained on some of ensemble A's validation and test cells as nine-class cells: OUT/clean.tsv lists the test cells
# no training of either member's weights saw (ensemble B's own test part), for the honest comparison.
# 1. EfficientNet-b0 at 128 px from INIT's backbone (the two-class head starts anew), augmented, PMO / MON as hard
#    negatives, Jiang's protocol (DERS), lr 3e-4 cosine, 12 x 60 steps of 32, keeping the best validation epoch.
# 2. Reports on the test part: the member alone (OUT/report-member), the shipped member alone (OUT/report-shipped),
#    their ensemble at weights W (OUT/report-ensemble-W, W = the shipped member's weight); the member alone and the
#    same ensembles on the validation part (OUT/val-member, OUT/val-ensemble-W), where the weight is chosen.
set -euo pipefail
out=${1:?output folder}
run=${2:?more-a-experiment output}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shipped="$here/src/main/resources/org/leukostream/models/marrow/blast-efficientnet"
init=${3:-$here/src/main/resources/org/leukostream/models/marrow/wbc-efficientnet}
mkdir -p "$out"
out="$(cd "$out" && pwd)"
run="$(cd "$run" && pwd)"
data=(--task blast --data "$run/data" --alias PMO=normal --alias MON=normal --split "$run/split.tsv")
resume=()
[[ -d $out/model/checkpoint ]] && resume=(--resume)
side=()
[[ -n ${INPUT_SIZE:-} ]] && side=(--input-size "$INPUT_SIZE")
./leukostream train "${data[@]}" --seed "${SEED:-11}" --arch efficientnet_b0 --preset medium --augment --cosine \
  --epochs 12 --max-steps-per-epoch 60 --lr 3e-4 --init "$init" --name "${NAME:-blast-efficientnet-from-b}" \
  --version "${VERSION:-experiment}" --out "$out/model" "${side[@]}" "${resume[@]}"
# Ensemble B's test part, as data-set paths (matek-bm/train|more/CLASS/FILE): A's test cells in it are clean.
if [[ -f $init/heldout.tsv ]]; then
  awk -F'\t' '!/^#/ { print $2 "/" $3 }' "$init/heldout.tsv" | sort -u > "$out/b-heldout.tsv"
  awk -F'\t' -v OFS='\t' 'FILENAME == ARGV[1] { held[$1] = 1; next } /^#/ || $1 != "test" { next }
    { n = split($4, p, "/"); f = p[n]; part = f; sub(/_.*/, "", part); sub(/^[a-z]+_/, "", f)
      if (("matek-bm/" part "/" p[n-1] "/" f) in held) print $4 }' "$out/b-heldout.tsv" "$run/split.tsv" \
    > "$out/clean.tsv"
fi
for part in val test; do
  name=report-member
  [[ $part == val ]] && name=val-member
  ./leukostream evaluate "${data[@]}" --model "$out/model" --part $part --max-false-blast-rate 0.08 \
    --out "$out/$name"
done
./leukostream evaluate "${data[@]}" --model "$shipped" --part test --max-false-blast-rate 0.08 \
  --out "$out/report-shipped"
for w in ${WEIGHTS:-0.5 0.7}; do
  other=$(awk -v w="$w" 'BEGIN { printf "%.2f", 1 - w }')
  for part in val test; do
    name=report-ensemble-$w
    [[ $part == val ]] && name=val-ensemble-$w
    ./leukostream evaluate "${data[@]}" --model "$shipped=$w,$out/model=$other" --part $part \
      --max-false-blast-rate 0.08 --out "$out/$name"
  done
done
