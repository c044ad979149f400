#!/usr/bin/env bash
# The bone-marrow set's ensemble B trained on from its shipped weights (README, "Ensemble B trained on", 2026-12-03):
#   models/tools/framed-b-continue.sh OUT [INIT]   (about 10 min framing + 40-50 min training on 2 cores; resumable)
# INIT: the weights to start from; the shipped 2026.12.03-matek-framed-pbc-2 was trained from the 2026.12.03-matek-framed-pbc
# that commit 938d1eb ships (git worktree add /tmp/b 938d1eb; INIT=/tmp/b/models/src/main/resources/org/leukostream/models/marrow/wbc-efficientnet).
# Same framed data and split as framed-b-experiment.sh (matek-bm/train framed by the marrow detector + PBC, seed 13,
# every image the default B or stage 1 holds out in the test part), 16 more epochs from
# models/.../marrow/wbc-efficientnet (--init), lr 3e-4 cosine, 80 steps of 32; then its test-part report beside the
# shipped B's on the same images. Rerun after an interruption: framing and split are kept, training resumes.
set -euo pipefail
out=${1:?output folder}
# shellcheck source=framed-b-data.sh
. "$(dirname "${BASH_SOURCE[0]}")/framed-b-data.sh"
d="$out/b"
framed_split wbc "$d"
resume=()
[[ -d $d/model/checkpoint ]] && resume=(--resume)
./leukostream train --task wbc "${common[@]}" "${seed[@]}" --arch efficientnet_b0 --preset medium --augment --lr 3e-4 \
  --cosine --epochs 16 --max-steps-per-epoch 80 --split "$d/split.tsv" --name wbc-efficientnet \
  --init "${2:-$models/marrow/wbc-efficientnet}" --version 2026.12.03-matek-framed-pbc-2 --out "$d/model" "${resume[@]}"
./leukostream evaluate --task wbc "${common[@]}" --model "$d/model" --split "$d/split.tsv" --part test --out "$d/report"
