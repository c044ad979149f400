package org.leukostream.models.arch;

import ai.djl.ndarray.types.Shape;

/** A block that knows its own multiply-accumulate count (custom blocks with inner arithmetic). */
interface MacCounted {
  /** Multiply-accumulates of one forward pass on {@code input}. */
  long macs(Shape input);
}
