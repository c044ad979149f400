#!/usr/bin/env bash
# Ensemble B (and stage 1) trained on cells framed the way the bone-marrow set's detector frames them (README,
# "Framed as in service", 2026-12-03): models/tools/framed-b-experiment.sh OUT     (about 80 min on 2 cores)
# 1. `leukostream frame` of matek-bm/train with models/.../marrow/detector (OUT/framed/matek-bm/train).
# 2. A seeded (13) split of framed matek-bm/train + pbc/train with every image the shipped ensemble B or stage 1
#    holds out moved to the test part (so validate's halves stay unseen by every stage).
# 3. ensemble B: EfficientNet-b0 medium (128 px), augmented, 12 x 80 steps of 32, Jiang's protocol; OUT/b.
# 4. stage 1 the same way, 8 x 60 steps (OUT/s1; not shipped: it called too many countable cells uncountable).
set -euo pipefail
out=${1:?output folder}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$here/src/main/resources/org/leukostream/models"
data=../shared/datasets
framed="$out/framed/matek-bm/train"
[[ -f $framed/framing.tsv ]] || ./leukostream frame --data $data/matek-bm/train --out "$framed" \
  --detector classpath:org/leukostream/models/marrow/detector
held="$out/heldout-union.tsv"
cat "$models/default/wbc-resnet50/heldout.tsv" "$models/default/countable/heldout.tsv" |
  awk -F'\t' '!/^#/ {print $2 "/" $3}' | sort -u > "$held"
common=(--data "$framed" --data $data/pbc/train --alias NGS=neutrophil --alias PMO=immature_granulocyte)
seed=(--seed 13) # train only: evaluate reads the split
run() { # TASK DIR EPOCHS STEPS NAME
  mkdir -p "$out/$2"
  ./leukostream train --task "$1" "${common[@]}" "${seed[@]}" --epochs 1 --max-steps-per-epoch 1 --out "$out/$2/probe" >/dev/null
  awk -F'\t' -v OFS='\t' 'NR == FNR { keep[$1] = 1; next } /^#/ { print; next }
    { n = split($4, p, "/"); if ((p[n-3] "/" p[n-2] "/" p[n-1] "/" p[n]) in keep) $1 = "test"; print }' \
    "$held" "$out/$2/probe/split.tsv" > "$out/$2/split.tsv"
  rm -rf "$out/$2/probe"
  ./leukostream train --task "$1" "${common[@]}" "${seed[@]}" --arch efficientnet_b0 --preset medium --augment --lr 1e-3 \
    --cosine --epochs "$3" --max-steps-per-epoch "$4" --split "$out/$2/split.tsv" --name "$5" \
    --version 2026.12.03-matek-framed-pbc --out "$out/$2/model"
  ./leukostream evaluate --task "$1" "${common[@]}" --model "$out/$2/model" --split "$out/$2/split.tsv" \
    --part test --out "$out/$2/report"
}
run wbc b 12 80 wbc-efficientnet
run countable s1 8 60 countable-efficientnet
