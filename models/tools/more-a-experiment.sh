#!/usr/bin/env bash
# Ensemble A trained on, with half of matek-bm/more added (README, "Ensemble A on more of the real cells"):
#   models/tools/more-a-experiment.sh OUT FRAMED_RUN      (about 35 min on 2 cores; run from the repository root)
# FRAMED_RUN is the OUT of models/tools/framed-experiment.sh: FRAMED_RUN/framed/matek-bm/{train,more} (the detector's
# framing of both folders) and FRAMED_RUN/a/split.tsv (the seed-9 split the shipped marrow ensemble A was trained on;
# its test part is that model's heldout.tsv).
# 1. OUT/data: one class-folder set of links, train_* (framed matek-bm/train) and more_* (framed matek-bm/more).
# 2. OUT/split.tsv: the framed-experiment's parts for train_*; of each matek-bm/more folder sorted by name the 1st,
#    3rd, 5th, ... image to the test part, of the others every fifth (the 2nd, 12th, 22nd, ...) to validation and the
#    rest to training. The test part's more_* images are the ones `MORE=odd-positions validation-halves.sh` deals.
# 3. Training from the shipped marrow ensemble A's weights (--init): 10 epochs at lr 3e-4, then 10 more from the best
#    of those at lr 2e-4 (cosine, augmented, 60 steps of 32); each run keeps its best validation epoch.
# 4. Reports: the test part (OUT/report, and the shipped model on the same part: OUT/report-shipped); the operating
#    point chosen on the validation part (at most 8% of its non-blasts called blasts) recorded in OUT/model's
#    manifest (OUT/val). The 2026-12-07 run: VERSION=2026.12.07-matek-framed-more-2.
set -euo pipefail
out=${1:?output folder}
run=${2:?framed-experiment output}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shipped="$here/src/main/resources/org/leukostream/models/marrow/blast-efficientnet"
mkdir -p "$out/data"
out="$(cd "$out" && pwd)"
for folder in BLA LYT MON PMO; do
  mkdir -p "$out/data/$folder"
  for part in train more; do
    [[ -d $run/framed/matek-bm/$part/$folder ]] || continue
    for f in "$run/framed/matek-bm/$part/$folder"/*; do
      ln -sf "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$out/data/$folder/${part}_$(basename "$f")"
    done
  done
done
awk -F'\t' -v OFS='\t' -v root="$out/data" '/^#/ { print; next }
  { n = split($4, p, "/"); print $1, $2, "file:" root "/" p[n-1] "/train_" p[n], p[n-1] "/train_" p[n] }' \
  "$run/a/split.tsv" > "$out/split.tsv"
for folder in BLA LYT PMO; do
  label=normal
  [[ $folder == BLA ]] && label=blast
  ls "$out/data/$folder" | grep '^more_' | sort | awk -v f="$folder" -v l="$label" -v root="$out/data" -v OFS='\t' \
    '{ i = NR - 1; part = i % 2 == 0 ? "test" : (i % 10 == 1 ? "val" : "train");
       print part, l, "file:" root "/" f "/" $0, f "/" $0 }' >> "$out/split.tsv"
done
common=(--task blast --data "$out/data" --alias PMO=normal --alias MON=normal --seed 9 --arch efficientnet_b0
  --preset medium --augment --cosine --epochs 10 --max-steps-per-epoch 60 --split "$out/split.tsv"
  --name blast-efficientnet)
./leukostream train "${common[@]}" --init "$shipped" --lr 3e-4 --version first --out "$out/first"
./leukostream train "${common[@]}" --init "$out/first" --lr 2e-4 --version "${VERSION:-experiment}" --out "$out/model"
# The originals of the test part, as ship-model.sh copies them: label, data set, file.
{
  echo "# label	data set (under ../shared/datasets)	file (under the data set)"
  awk -F'\t' -v OFS='\t' '$1 == "test" { split($4, p, "/"); part = p[2]; sub(/_.*/, "", part); file = p[2];
    sub(/^[a-z]+_/, "", file); print $2, "matek-bm/" part, p[1] "/" file }' "$out/split.tsv"
} > "$out/model/heldout.tsv"
for model in "$out/model" "$shipped"; do
  name=report
  [[ $model == "$shipped" ]] && name=report-shipped
  ./leukostream evaluate --task blast --data "$out/data" --model "$model" --split "$out/split.tsv" --part test \
    --max-false-blast-rate 0.05 --out "$out/$name"
done
./leukostream evaluate --task blast --data "$out/data" --model "$out/model" --split "$out/split.tsv" --part val \
  --max-false-blast-rate 0.08 --record-operating-point --out "$out/val"
