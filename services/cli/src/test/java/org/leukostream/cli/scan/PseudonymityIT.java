package org.leukostream.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.SpecimenType;
import org.leukostream.cli.pipeline.Finals;
import org.leukostream.cli.pipeline.Pipeline;
import org.leukostream.cli.pipeline.VirtualPatients;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.testkit.EmbeddedStackExtension;

/**
 * A case scanned with a clear hospital patient identifier goes through every stage (detector,
 * classifier, aggregator, EHR bridge), a corrupt field of it to a dead-letter topic; then every
 * record of every topic on the broker (dead letters, state-store changelogs and the stages'
 * internal topics included: keys, values and headers) and everything the process logged are
 * searched for the identifier. It is found nowhere; its pseudonym, the patient key, is found where
 * it belongs.
 */
@ExtendWith(EmbeddedStackExtension.class)
class PseudonymityIT {
  static final String SECRET = "pseudonymity-test secret, 32 bytes";

  @TempDir Path dir;

  @Test
  void theClearPatientIdentifierIsOnNoTopicAndInNoLog(EmbeddedStack stack) throws Exception {
    String identifier = "MRN-" + (100_000_000L + (long) (Math.random() * 800_000_000L));
    String caseId = "pseudonym-" + UUID.randomUUID().toString().substring(0, 8);
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    VirtualPatients.Patient patient =
        VirtualPatients.draw(
            new VirtualPatients.Spec(caseId, 4, VirtualPatients.CELLS_PER_FIELD, 0.3),
            7,
            settings.rule());
    Path fields = Files.createDirectories(dir.resolve("fields"));
    for (int i = 0; i < patient.fields().size(); i++) {
      Files.write(fields.resolve("field-" + i + ".png"), patient.fields().get(i).data());
    }
    Path patientFile = Files.writeString(dir.resolve("patient.txt"), identifier + "\n");

    ByteArrayOutputStream logged = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    System.setErr(new PrintStream(new Tee(originalErr, logged), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut, logged), true, StandardCharsets.UTF_8));
    String key = new PatientKeys(SECRET).of(identifier);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (Pipeline pipeline =
        Pipeline.start(stack.clientConfig(), new Properties(), Optional.empty(), settings)) {
      ScanCommand scan = new ScanCommand();
      scan.environment = Map.of(PatientKeys.SECRET_VARIABLE, SECRET);
      var cli = new picocli.CommandLine(scan);
      cli.setOut(new java.io.PrintWriter(out, true));
      cli.setErr(new java.io.PrintWriter(err, true));
      int exit =
          cli.execute(
              "--bootstrap",
              stack.bootstrapServers(),
              "--registry",
              stack.registryUrl(),
              "--case",
              caseId,
              "--patient-file",
              patientFile.toString(),
              "--specimen",
              "bone-marrow",
              fields.toString());
      assertThat(exit).as(err.toString()).isZero();
      // A second slide of the same patient, one field cut short in transit: dead-lettered.
      FieldImage whole = patient.fields().get(0);
      try (CaseSender sender = CaseSender.withClaimDirectory(stack.clientConfig(), dir)) {
        sender.send(
            new CaseSender.Case(
                caseId + "-b",
                key,
                SpecimenType.BONE_MARROW,
                "it",
                List.of(
                    new FieldImage(
                        "cut.png",
                        Arrays.copyOf(whole.data(), whole.data().length / 2),
                        whole.mediaType(),
                        whole.width(),
                        whole.height()))),
            n -> {});
      }
      Map<String, Diagnosis> finals =
          Finals.await(
              stack.clientConfig(),
              Set.of(caseId),
              Duration.ofMinutes(4),
              pipeline::checkHealthy,
              d -> {});
      assertThat(finals.get(caseId).getPatientKey()).isEqualTo(key);
      Finals.reports(
          stack.clientConfig(),
          Set.of(caseId),
          Duration.ofMinutes(1),
          pipeline::checkHealthy,
          r -> {});
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    byte[] clear = identifier.getBytes(StandardCharsets.UTF_8);
    byte[] pseudonym = key.getBytes(StandardCharsets.UTF_8);
    Map<String, Integer> withPseudonym = new HashMap<>();
    List<String> withClear = new ArrayList<>();
    for (var record : everyRecord(stack)) {
      List<byte[]> parts = new ArrayList<>();
      parts.add(record.key());
      parts.add(record.value());
      for (Header header : record.headers()) {
        parts.add(header.key().getBytes(StandardCharsets.UTF_8));
        parts.add(header.value());
      }
      for (byte[] part : parts) {
        if (contains(part, clear)) {
          withClear.add(record.topic() + "@" + record.offset());
        }
        if (contains(part, pseudonym)) {
          withPseudonym.merge(record.topic(), 1, Integer::sum);
        }
      }
    }
    assertThat(withClear).as("records holding the clear identifier").isEmpty();
    assertThat(withPseudonym)
        .as("the search reads what is there: the pseudonym is where it belongs")
        .containsKeys("slide.fields.v1", "case.events.v1", "diagnoses.v1", "slide.fields.dlq");
    String logs = logged.toString(StandardCharsets.UTF_8) + out + err;
    assertThat(logs).as("the logs of every stage and of scan").isNotEmpty();
    assertThat(logs).doesNotContain(identifier);
  }

  /** Every record of every topic on the broker, as bytes. */
  private static List<ConsumerRecord<byte[], byte[]>> everyRecord(EmbeddedStack stack)
      throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    List<TopicPartition> partitions = new ArrayList<>();
    try (Admin admin = Admin.create(config)) {
      Set<String> topics = admin.listTopics().names().get();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (name, description) ->
                  description
                      .partitions()
                      .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      assertThat(partitions).allMatch(p -> consumer.position(p) >= ends.get(p));
    }
    return records;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    if (haystack == null) {
      return false;
    }
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Writes to the original stream and keeps a copy. */
  private static final class Tee extends java.io.OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream copy;

    Tee(PrintStream original, ByteArrayOutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      copy.write(b, off, len);
    }
  }
}
