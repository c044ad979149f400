package org.leukostream.schemas;

import java.util.concurrent.CompletionStage;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where a service's core writes what one record produced: the Quarkus service's emitters, or the
 * plain producers the demo runs the same core with. The core sends; its caller waits for every send
 * of a record (or poll) before the input's offset may be committed.
 */
public interface TopicSink {
  /** Sends {@code value} keyed {@code key}; completes once the broker has acknowledged it. */
  <V extends SpecificRecord> CompletionStage<?> send(Topic<V> topic, String key, V value);
}
