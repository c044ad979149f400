package org.leukostream.classifier.label;

import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import java.util.List;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;

/**
 * What the classifier's core needs of its models: {@link CellLabeller} in service and demo; tests
 * wrap it to make the engine fail.
 */
public interface Labeller {
  /**
   * Labels {@code crops}, whose decoded images are {@code images} in the same order, as one batch.
   */
  List<CellLabel> label(List<CellCrop> crops, List<Image> images) throws TranslateException;

  /**
   * Whether every stage still runs a plain crop. After a batch failed, this tells a crop that
   * breaks a model (they run) from an engine that fails on everything (out of memory, a lost GPU:
   * they do not).
   */
  boolean modelsRun();
}
