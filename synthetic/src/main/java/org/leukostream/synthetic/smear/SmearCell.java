package org.leukostream.synthetic.smear;

import java.awt.Rectangle;

/** Ground truth of one white cell drawn in a field: its type and its box in field pixels. */
public record SmearCell(CellType type, Rectangle box) {}
