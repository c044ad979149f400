#!/usr/bin/env bash
# Builds the two halves of held-out Matek bone-marrow cells that `leukostream validate` is run on (README,
# "Calibrated counts on real cells"): OUT/calib fits the pipeline's call rates (`--fit-rates`), OUT/test checks them.
#   models/tools/validation-halves.sh OUT [DATASETS]      (DATASETS defaults to ../shared/datasets)
# Each half is a class-folder set of symbolic links (read with `validate --all-images`), no image in both:
#   BLA, LYT, PMO  all of matek-bm/more (no shipped model trains on it);
#   MON, NGS, EOS  the Matek images ensemble B holds out (wbc-resnet50/heldout.tsv); ensemble A's split keeps
#                  these monocytes in its test part too;
#   NIF            the Matek images stage 1 holds out (countable/heldout.tsv).
# Every list is sorted by file name and dealt alternately: the 1st, 3rd, ... image to calib, the 2nd, 4th, ... to test.
# MORE=odd-positions takes only the 1st, 3rd, 5th, ... image of each matek-bm/more list before dealing (so calib gets
# the 1st, 5th, 9th, ...; test the 3rd, 7th, ...): the images that ensemble A 2026.12.07-matek-framed-more did not
# train on (its split: models/tools/more-a-experiment.sh); the halves are then quarters of matek-bm/more.
set -euo pipefail
out=${1:?output folder}
data=${2:-../shared/datasets}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
default="$here/src/main/resources/org/leukostream/models/default"
data="$(cd "$data" && pwd)"
[[ -d $data/matek-bm/more ]] || { echo "no matek-bm/more under $data" >&2; exit 2; }

# deal FOLDER < list of paths under $data: links each into calib/FOLDER or test/FOLDER, alternately
deal() {
  local folder=$1 i=0 half
  mkdir -p "$out/calib/$folder" "$out/test/$folder"
  while IFS= read -r path; do
    half=$([[ $((i % 2)) -eq 0 ]] && echo calib || echo test)
    ln -sf "$data/$path" "$out/$half/$folder/$(basename "$path")"
    i=$((i + 1))
  done
}

# heldout LIST DATASET FOLDER: the images of FOLDER in DATASET that a shipped model's held-out list names
heldout() {
  awk -F'\t' -v set="$2" -v folder="$3" '!/^#/ && $2 == set && index($3, folder "/") == 1 {print set "/" $3}' \
    "$default/$1/heldout.tsv" | sort
}

rm -rf "$out/calib" "$out/test"
for folder in BLA LYT PMO; do
  (cd "$data" && find "matek-bm/more/$folder" -type f | sort) |
    if [[ ${MORE:-all} == odd-positions ]]; then awk 'NR % 2 == 1'; else cat; fi | deal "$folder"
done
for folder in MON NGS EOS; do
  heldout wbc-resnet50 matek-bm/train "$folder" | deal "$folder"
done
heldout countable matek-bm/train NIF | deal NIF
for half in calib test; do
  echo "$half: $(for f in "$out/$half"/*; do printf '%s %s  ' "$(basename "$f")" "$(ls "$f" | wc -l)"; done)"
done
