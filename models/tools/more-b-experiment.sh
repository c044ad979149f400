#!/usr/bin/env bash
# The bone-marrow set's ensemble B trained on, with half of matek-bm/more added (README, "Ensemble B on more of the
# real cells"):   models/tools/more-b-experiment.sh OUT FRAMED_RUN   (about 25 min on 2 cores; resumable)
# FRAMED_RUN is the OUT of models/tools/framed-experiment.sh run with the bone-marrow detector:
# FRAMED_RUN/framed/matek-bm/{train,more}, the detector's framing of both folders (linked as OUT/framed).
# 1. OUT/b/split.tsv over framed matek-bm/train + pbc/train + framed matek-bm/more:
#    - test: every image the shipped marrow B held out (its heldout.tsv: its test part, so both are compared on the
#      same images), and of each matek-bm/more folder sorted by name the 1st, 3rd, 5th, ... image (the images the
#      shipped ensemble A holds out and `MORE=odd-positions validation-halves.sh` deals into quarters);
#    - matek-bm/more's others: every fifth (the 2nd, 12th, ...) to validation, the rest to training (as ensemble A);
#    - the others: the seeded (13) split's part, except that an image it puts in the test part goes to training
#      (the shipped B trained or selected on it; its validation part is not known, so validation here may hold
#      images the starting weights trained on: it selects the epoch, it is not reported).
# 2. 16 epochs from the shipped marrow B's weights (--init), lr 3e-4 cosine, augmented, 80 steps of 32 (Jiang).
# 3. Reports on the test part: OUT/b/report (this model), OUT/b/report-shipped (the shipped B).
# The shipped 2026.12.07-matek-framed-pbc-more is this run's model (VERSION sets the version; that run wrote
# `experiment` and the version was set in its manifest before models/tools/ship-model.sh ... wbc-efficientnet marrow).
set -euo pipefail
out=${1:?output folder}
run=${2:?framed-experiment output}
mkdir -p "$out"
out="$(cd "$out" && pwd)"
[[ -e $out/framed ]] || ln -s "$(cd "$run/framed" && pwd)" "$out/framed"
# shellcheck source=framed-b-data.sh
. "$(dirname "${BASH_SOURCE[0]}")/framed-b-data.sh"
shipped="$models/marrow/wbc-efficientnet"
more="$out/framed/matek-bm/more"
[[ -f $more/framing.tsv ]] || ./leukostream frame --data $data/matek-bm/more --out "$more" \
  --detector classpath:org/leukostream/models/marrow/detector
common+=(--data "$more")
d="$out/b"
mkdir -p "$d"
if [[ ! -f $d/split.tsv ]]; then
  ./leukostream train --task wbc "${common[@]}" "${seed[@]}" --epochs 1 --max-steps-per-epoch 1 --out "$d/probe" >/dev/null
  awk -F'\t' '!/^#/ {print $2 "/" $3}' "$shipped/heldout.tsv" > "$d/heldout-shipped.tsv"
  awk -F'\t' -v OFS='\t' 'NR == FNR { held[$1] = 1; next } /^#/ { print; next }
    { n = split($4, p, "/"); key = p[n-3] "/" p[n-2] "/" p[n-1] "/" p[n]
      if (p[n-3] == "matek-bm" && p[n-2] == "more") { i = pos[p[n-1]]++; $1 = i % 2 == 0 ? "test" : (i % 10 == 1 ? "val" : "train") }
      else if (key in held) $1 = "test"
      else if ($1 == "test") $1 = "train"
      print }' "$d/heldout-shipped.tsv" <(sort -t$'\t' -k4,4 "$d/probe/split.tsv") > "$d/split.tsv"
  rm -rf "$d/probe"
fi
resume=()
[[ -d $d/model/checkpoint ]] && resume=(--resume)
./leukostream train --task wbc "${common[@]}" "${seed[@]}" --arch efficientnet_b0 --preset medium --augment --lr 3e-4 \
  --cosine --epochs 16 --max-steps-per-epoch 80 --split "$d/split.tsv" --name wbc-efficientnet --init "$shipped" \
  --version "${VERSION:-experiment}" --out "$d/model" "${resume[@]}"
for model in "$d/model" "$shipped"; do
  name=report
  [[ $model == "$shipped" ]] && name=report-shipped
  ./leukostream evaluate --task wbc "${common[@]}" --model "$model" --split "$d/split.tsv" --part test --out "$d/$name"
done
