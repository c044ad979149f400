#!/usr/bin/env bash
# Does the augmentation carry a white-cell classifier to another laboratory? (README, "Across laboratories"):
#   models/tools/cross-domain-experiment.sh OUT [DATASETS]     (about 40 min on 2 cores; from the repository root)
# The four classes Matek's bone marrow and PBC's peripheral blood share (lymphocyte, neutrophil, monocyte,
# eosinophil: Matek LYT, NGS, MON, EOS; 400 images each in both): OUT/matek and OUT/pbc, class folders of links.
# An EfficientNet-b0 (medium, 128 px, from seeded weights) trained on one set (its own seeded split, Jiang's
# 80/10/10; EPOCHS (default 8) epochs of 40 steps of 32, lr 1e-3 cosine, best validation epoch kept), without and
# with --augment, then measured on that set's held-out test part (in-domain) and on every image of the other set
# (cross-domain): OUT/FROM-plain|augment/{model,in,cross}; OUT/cross-domain.tsv collects the accuracies and macro F1.
set -euo pipefail
out=${1:?output folder}
data=${2:-../shared/datasets}
data="$(cd "$data" && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
declare -A matek=([lymphocyte]=LYT [neutrophil]=NGS [monocyte]=MON [eosinophil]=EOS)
for class in "${!matek[@]}"; do
  mkdir -p "$out/matek/$class" "$out/pbc/$class"
  for f in "$data/matek-bm/train/${matek[$class]}"/*; do ln -sf "$f" "$out/matek/$class/"; done
  for f in "$data/pbc/train/$class"/*; do ln -sf "$f" "$out/pbc/$class/"; done
done
for from in matek pbc; do
  other=pbc
  [[ $from == pbc ]] && other=matek
  for variant in plain augment; do
    run=$out/$from-$variant
    [[ -f $run/cross/report.md ]] && continue
    augment=()
    [[ $variant == augment ]] && augment=(--augment)
    resume=()
    [[ -d $run/model/checkpoint ]] && resume=(--resume)
    ./leukostream train --task wbc --data "$out/$from" --arch efficientnet_b0 --preset medium --seed 5 \
      --epochs "${EPOCHS:-8}" --max-steps-per-epoch 40 --lr 1e-3 --cosine --name "wbc-$from-$variant" \
      --out "$run/model" "${augment[@]}" "${resume[@]}"
    ./leukostream evaluate --task wbc --data "$out/$from" --model "$run/model" --split "$run/model/split.tsv" \
      --part test --out "$run/in"
    ./leukostream evaluate --task wbc --data "$out/$other" --model "$run/model" --out "$run/cross"
  done
done
figures() { sed -n 's/.*images: accuracy \([0-9.]*\), macro F1 \([0-9.]*\),.*/\1\t\2/p' "$1/report.md"; }
{
  printf 'trained on\taugmentation\tin-domain accuracy\tin-domain macro F1\t'
  printf 'cross-domain accuracy\tcross-domain macro F1\n'
  for from in matek pbc; do
    for variant in plain augment; do
      run=$out/$from-$variant
      [[ -f $run/cross/report.md ]] || continue
      printf '%s\t%s\t%s\t%s\n' "$from" "$variant" "$(figures "$run/in")" "$(figures "$run/cross")"
    done
  done
} > "$out/cross-domain.tsv"
cat "$out/cross-domain.tsv"
