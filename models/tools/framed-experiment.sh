#!/usr/bin/env bash
# Ensemble A trained on cells framed the way the detector service frames them (README, "Framed as in service"):
#   models/tools/framed-experiment.sh OUT [DETECTOR]      (about 45 min on 2 cores; run from the repository root)
# 1. `leukostream frame` places every image of matek-bm/train and matek-bm/more alone on a synthetic field at
#    Matek's resolution (as `validate --field-magnification 2.65` does), lets the detector (DETECTOR, default the
#    shipped one) find it and cuts the service's crop (margin 0.15, 128 px): OUT/framed/matek-bm/{train,more}.
# 2. models/tools/ensemble-a-experiment.sh on the framed train copy: OUT/a (split, model, test-part report).
# 3. The model on all of the framed matek-bm/more (898 cells no model trained on): OUT/a/more.
set -euo pipefail
out=${1:?output folder}
detector=()
[[ -n ${2:-} ]] && detector=(--detector "$2")
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for part in train more; do
  ./leukostream frame --data ../shared/datasets/matek-bm/$part --out "$out/framed/matek-bm/$part" "${detector[@]}"
done
DATA="$out/framed/matek-bm/train" "$here/ensemble-a-experiment.sh" "$out/a"
./leukostream evaluate --task blast --data "$out/framed/matek-bm/more" --model "$out/a/model" \
  --max-false-blast-rate 0.05 --out "$out/a/more"
