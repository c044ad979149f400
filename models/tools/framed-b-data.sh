# Sourced by framed-b-experiment.sh and framed-b-continue.sh (with $out set): the framed data and the split they
# share. Frames matek-bm/train with the bone-marrow detector once (kept in $out/framed), lists every image the
# default ensemble B or stage 1 holds out ($held), and defines
#   common  the data options of train and evaluate (framed Matek + PBC, the folder aliases)
#   seed    the split seed (train only: evaluate reads the split)
#   framed_split TASK DIR   DIR/split.tsv: the seeded split of the data with every held-out image in the test
#                           part (so validate's halves stay unseen by every stage); kept when it exists.
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
seed=(--seed 13)
framed_split() { # TASK DIR
  mkdir -p "$2"
  [[ -f $2/split.tsv ]] && return 0
  ./leukostream train --task "$1" "${common[@]}" "${seed[@]}" --epochs 1 --max-steps-per-epoch 1 --out "$2/probe" >/dev/null
  awk -F'\t' -v OFS='\t' 'NR == FNR { keep[$1] = 1; next } /^#/ { print; next }
    { n = split($4, p, "/"); if ((p[n-3] "/" p[n-2] "/" p[n-1] "/" p[n]) in keep) $1 = "test"; print }' \
    "$held" "$2/probe/split.tsv" > "$2/split.tsv"
  rm -rf "$2/probe"
}
