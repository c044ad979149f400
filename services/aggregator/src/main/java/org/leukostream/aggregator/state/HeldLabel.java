package org.leukostream.aggregator.state;

import java.util.List;

/**
 * What a label adds to its case, kept in the {@code case-held-labels} store while no field result
 * has yet reported its cell: counted when one does, never when none does by the case's FINAL (a
 * label for a cell the detector did not report is not a cell of the case). JSON, like the case
 * state.
 *
 * @param wbcClass ensemble B's class, for the differential of countable cells
 * @param countable stage 1 kept the cell
 * @param counted it joins the denominator (countable and nucleated)
 * @param blast a lymphoblast under the configured policy
 * @param blastByA ensemble A alone calls it a blast
 * @param blastByB ensemble B alone calls it a lymphoblast
 * @param ensembleA ensemble A ran on it
 * @param models "name@version" of the models behind the label
 */
public record HeldLabel(
    String wbcClass,
    boolean countable,
    boolean counted,
    boolean blast,
    boolean blastByA,
    boolean blastByB,
    boolean ensembleA,
    List<String> models) {}
