#!/usr/bin/env bash
# Copies a trained model directory into the jar's shipped defaults, with the list of the real images its
# training run held out (the test part of its split.tsv, synthetic cells left out) as heldout.tsv, so
# ShippedModelsTest can recompute the model card's figures on a machine that has ../shared/datasets.
#   models/tools/ship-model.sh MODEL_DIR NAME [SET]
# SET is the folder under org/leukostream/models (default: default, the services' defaults; e.g. framed).
# A model trained on a copy of a shared data set (`leukostream frame --out OUT`, OUT/<set>/<part>/...) lists
# the shared originals of its held-out copies; a model directory with its own heldout.tsv keeps it. The model card (MODEL_CARD.md) is written by hand beside it.
set -euo pipefail
src=${1:?model directory}
name=${2:?name under models/default}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$here/src/main/resources/org/leukostream/models/${3:-default}/$name"
manifest="$src/manifest.json"
[[ -f $manifest ]] || { echo "no manifest.json in $src" >&2; exit 2; }
weights=$(sed -n 's/.*"weights" *: *"\([^"]*\)".*/\1/p' "$manifest")
[[ -f $src/$weights ]] || { echo "no weights $weights in $src" >&2; exit 2; }
mkdir -p "$dest"
rm -f "$dest"/*.params
cp "$manifest" "$src/$weights" "$dest/"
if [[ -f $src/heldout.tsv ]]; then
  # A model whose run wrote its own list (e.g. trained on links to several folders: more-a-experiment.sh).
  cp "$src/heldout.tsv" "$dest/heldout.tsv"
  echo "shipped $name: $(du -sh "$dest" | cut -f1), $(($(wc -l < "$dest/heldout.tsv") - 1)) held-out images"
  exit 0
fi
if [[ ! -f $src/split.tsv ]]; then
  # A detector is measured on its data sets' own held-out lists (VOC ImageSets, YOLO val).
  echo "shipped $name: $(du -sh "$dest" | cut -f1), no split.tsv (held-out parts: the data sets' own)"
  exit 0
fi
# split.tsv: part, label, group, file relative to the data root; keep the real test images, their path
# from the shared datasets folder (<set>/<part>/<class>/<file>): label <TAB> <set>/<part> <TAB> <class>/<file>.
# With one --data the file is relative to that folder; the group (file:<absolute path>) has the whole path.
{
  echo "# label	data set (under ../shared/datasets)	file (under the data set)"
  awk -F'\t' '$1 == "test" {
      p = $4 ~ /(^|\/)datasets\// ? $4 : ($3 ~ /^file:.*\/datasets\// ? $3 : "");
      copy = p == "" && $3 ~ /^file:/; # a framed copy: OUT/<set>/<part>/<class>/<file>
      if (copy) p = $3;
      if (p == "") next;
      sub(/.*datasets\//, "", p); n = split(p, c, "/");
      if (copy) { c[1] = c[n-3]; c[2] = c[n-2] }
      printf "%s\t%s/%s\t%s/%s\n", $2, c[1], c[2], c[n-1], c[n] }' "$src/split.tsv"
} > "$dest/heldout.tsv"
echo "shipped $name: $(du -sh "$dest" | cut -f1), $(($(wc -l < "$dest/heldout.tsv") - 1)) held-out images"
