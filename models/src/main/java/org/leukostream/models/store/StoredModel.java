package org.leukostream.models.store;

import ai.djl.Model;

/** A model loaded from its directory, with the manifest that describes it; close it when done. */
public record StoredModel(ModelManifest manifest, Model model) implements AutoCloseable {
  @Override
  public void close() {
    model.close();
  }
}
