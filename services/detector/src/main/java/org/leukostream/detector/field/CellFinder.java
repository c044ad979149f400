package org.leukostream.detector.field;

import ai.djl.translate.TranslateException;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SlideField;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.images.ImageStoreUnavailableException;

/**
 * What the detector's core needs to handle a field: {@link FieldDetector} in service and demo;
 * tests wrap it to make the engine fail.
 */
public interface CellFinder {
  /**
   * Checks, decodes and searches {@code field}.
   *
   * @throws ImageRejectedException the field cannot be used (its reason says why)
   * @throws ImageStoreUnavailableException its claim-check store cannot serve it now
   * @throws TranslateException the model failed on a decoded image
   */
  FieldDetector.Detection detect(SlideField field)
      throws ImageRejectedException, ImageStoreUnavailableException, TranslateException;

  /**
   * Whether the model still runs a plain field. After a field failed in the model, this tells a
   * field that breaks the model (it runs) from an engine that fails on everything (out of memory, a
   * lost GPU: it does not).
   */
  boolean modelRuns();

  /** The model that searches the fields. */
  ModelRef model();
}
