package org.leukostream.schemas.deadletter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The dead letters this JVM has built ({@link DeadLetters#of}), per series: the service that gave
 * up, the topic the record was read from and the error's class. Free of any metrics library (the
 * CLI's in-process pipeline builds dead letters too); {@link DeadLetterMeters} exports it.
 */
public final class DeadLetterTally {
  /** One series of dead letters and its running count. */
  public record Series(String service, String topic, String reason, LongAdder count) {}

  private record Key(String service, String topic, String reason) {}

  private static final Map<Key, Series> SERIES = new ConcurrentHashMap<>();
  private static final List<Consumer<Series>> WATCHERS = new CopyOnWriteArrayList<>();

  private DeadLetterTally() {}

  /** Calls {@code watcher} with every series there is and every series that appears later. */
  public static synchronized void watch(Consumer<Series> watcher) {
    WATCHERS.add(watcher);
    SERIES.values().forEach(watcher);
  }

  /** The count of one series. */
  public static long count(String service, String topic, String reason) {
    Series series = SERIES.get(new Key(service, topic, reason));
    return series == null ? 0 : series.count().sum();
  }

  static void count(String service, String topic, Exception error) {
    Key key = new Key(service, topic, error.getClass().getSimpleName());
    Series series = SERIES.get(key);
    if (series == null) {
      synchronized (DeadLetterTally.class) {
        series = SERIES.get(key);
        if (series == null) {
          series = new Series(key.service(), key.topic(), key.reason(), new LongAdder());
          SERIES.put(key, series);
          WATCHERS.forEach(w -> w.accept(SERIES.get(key)));
        }
      }
    }
    series.count().increment();
  }
}
