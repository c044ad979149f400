#!/usr/bin/env bash
# Ensemble A's input side chosen on validation (README, "Which resolution?"): the second member's recipe
# (more-a2-experiment.sh: EfficientNet-b0 medium from ensemble B's backbone, augmented, 12 x 60 steps of 32) trained
# at 96, 128 and 160 px, two seeds each, on exactly ensemble A's data and split:
#   models/tools/more-a-sizes.sh OUT MORE_A_RUN        (about 90 min on 2 cores; from the repository root)
# MORE_A_RUN is the OUT of more-a-experiment.sh (its data: the detector's 128 px framing; its split.tsv).
# 96 and 128 px train on those crops (each resized to the model's side, as the service resizes the detector's
# crop). 160 px needs crops cut at 160: `leukostream frame --size 160` of matek-bm/train and matek-bm/more with the
# bone-marrow detector (same fields, same boxes: the framing is seeded; OUT/framed-160), linked under the same names
# (OUT/run-160/data, with the same split.tsv) so that the same split applies. SIZES and SEEDS override the lists
# ("96 128 160", "11 12").
# Each run is more-a2-experiment.sh's (OUT/SIZE-SEED: the member alone and with the shipped first member, on the
# validation and test parts); OUT/sizes.tsv collects the member-alone figures, ROC AUC of the blast class.
set -euo pipefail
out=${1:?output folder}
run=${2:?more-a-experiment output}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
detector="$here/src/main/resources/org/leukostream/models/marrow/detector"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
run="$(cd "$run" && pwd)"
for size in ${SIZES:-96 128 160}; do
  from=$run
  if [[ $size == 160 ]]; then
    from=$out/run-160
    for part in train more; do
      [[ -d $out/framed-160/matek-bm/$part ]] && continue
      rm -rf "$out/framed-160/matek-bm/$part.partial"
      ./leukostream frame --data "../shared/datasets/matek-bm/$part" --detector "$detector" \
        --size 160 --out "$out/framed-160/matek-bm/$part.partial"
      mv "$out/framed-160/matek-bm/$part.partial" "$out/framed-160/matek-bm/$part"
    done
    # The 128 px run's links, pointed at the 160 px framing of the same image.
    mkdir -p "$from"
    cp "$run/split.tsv" "$from/split.tsv"
    for link in "$run"/data/*/*; do
      folder=$(basename "$(dirname "$link")")
      name=$(basename "$link")
      part=${name%%_*}
      mkdir -p "$from/data/$folder"
      ln -sfn "$out/framed-160/matek-bm/$part/$folder/${name#*_}" "$from/data/$folder/$name"
    done
  fi
  for seed in ${SEEDS:-11 12}; do
    [[ -f $out/$size-$seed/val-ensemble-0.5/report.json ]] && continue
    INPUT_SIZE=$size SEED=$seed WEIGHTS=0.5 NAME=blast-efficientnet-$size "$here/tools/more-a2-experiment.sh" \
      "$out/$size-$seed" "$from"
  done
done
auc() { awk -F'|' '$2 ~ /^ blast $/ { gsub(/ /, "", $7); print $7 }' "$1/report.md"; }
accuracy() { sed -n 's/.*images: accuracy \([0-9.]*\),.*/\1/p' "$1/report.md"; }
{
  printf 'side\tseed\tvalidation ROC AUC\ttest ROC AUC\ttest accuracy\n'
  for dir in "$out"/*-*/; do
    name=$(basename "$dir")
    [[ -f $dir/val-member/report.md && -f $dir/report-member/report.md ]] || continue
    printf '%s\t%s\t%s\t%s\t%s\n' "${name%-*}" "${name#*-}" "$(auc "$dir/val-member")" \
      "$(auc "$dir/report-member")" "$(accuracy "$dir/report-member")"
  done
} > "$out/sizes.tsv"
cat "$out/sizes.tsv"
