package org.leukostream.schemas.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Conversion;
import org.apache.avro.specific.SpecificData;

/**
 * The Avro model for a generated class, resolving classes through that class's own loader. Avro's
 * default resolves nested records through the loader that loaded Avro, which in containers with
 * several class loaders (Quarkus test and dev mode, application servers) yields a second copy of
 * the class and a ClassCastException (quarkusio/quarkus#16810, #27057).
 */
final class SpecificModels {
  private static final Map<Class<?>, SpecificData> MODELS = new ConcurrentHashMap<>();

  private SpecificModels() {}

  static SpecificData forClass(Class<?> type) {
    return MODELS.computeIfAbsent(
        type,
        t -> {
          SpecificData model = new SpecificData(t.getClassLoader());
          for (Conversion<?> conversion : SpecificData.getForClass(t).getConversions()) {
            model.addLogicalTypeConversion(conversion);
          }
          return model;
        });
  }
}
