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
# shellcheck source=framed-b-data.sh
. "$(dirname "${BASH_SOURCE[0]}")/framed-b-data.sh"
run() { # TASK DIR EPOCHS STEPS NAME
  framed_split "$1" "$out/$2"
  ./leukostream train --task "$1" "${common[@]}" "${seed[@]}" --arch efficientnet_b0 --preset medium --augment --lr 1e-3 \
    --cosine --epochs "$3" --max-steps-per-epoch "$4" --split "$out/$2/split.tsv" --name "$5" \
    --version 2026.12.03-matek-framed-pbc --out "$out/$2/model"
  ./leukostream evaluate --task "$1" "${common[@]}" --model "$out/$2/model" --split "$out/$2/split.tsv" \
    --part test --out "$out/$2/report"
}
run wbc b 12 80 wbc-efficientnet
run countable s1 8 60 countable-efficientnet
