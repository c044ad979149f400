package org.leukostream.schemas.serde;

/** The TopicNameStrategy of the Confluent serdes: {@code <topic>-key} and {@code <topic>-value}. */
public final class SubjectNames {
  private SubjectNames() {}

  public static String of(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }
}
