package org.leukostream.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.cli.Cli;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.testkit.TorchScriptFixture;

/**
 * {@code import-model} on a real TorchScript archive (a module of three outputs, written without
 * Python): the directory it writes loads through the model store as the services load it, and a
 * module that does not fit the classes given is refused with one line, leaving no model behind.
 */
class ImportModelCommandTest {
  @TempDir Path dir;

  @Test
  void aTorchScriptClassifierBecomesAModelDirectoryTheServicesLoad() throws Exception {
    Path pt = dir.resolve("channel-mean.pt");
    TorchScriptFixture.write(pt);
    Path out = dir.resolve("imported");
    StringWriter stdout = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        Cli.run(
            stdout,
            err,
            "import-model",
            "--torchscript",
            pt.toString(),
            "--task",
            "wbc",
            "--classes",
            "lymphocyte,blast,platelet",
            "--input-size",
            "48",
            "--version",
            "2026.12.07",
            "--out",
            out.toString(),
            "--json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode line =
        new ObjectMapper().readTree(stdout.toString().lines().findFirst().orElseThrow());
    assertThat(line.path("event").asText()).isEqualTo("imported");
    ModelManifest manifest = ModelStore.readManifest(out);
    assertThat(manifest.architecture()).isEqualTo("torchscript");
    assertThat(manifest.inputSize()).isEqualTo(48);
    assertThat(manifest.sha256()).isEqualTo(ModelStore.sha256(pt));
    assertThat(manifest.classes())
        .extracting(c -> c.role())
        .containsExactly(ClassRole.LYMPHOID, ClassRole.LYMPHOBLAST, ClassRole.NOT_NUCLEATED);
    try (StoredModel model = ModelStore.load(out)) {
      assertThat(model.manifest().id()).isEqualTo("channel-mean:2026.12.07");
    }
    assertThat(err.toString()).contains("gives 3 scores per image");
  }

  @Test
  void aModuleThatDoesNotFitTheClassesOrABadOptionIsOneLineAndNoModel() throws Exception {
    Path pt = dir.resolve("channel-mean.pt");
    TorchScriptFixture.write(pt);
    Path out = dir.resolve("refused");

    StringWriter err = new StringWriter();
    int exit =
        Cli.run(
            new StringWriter(),
            err,
            "import-model",
            "--torchscript",
            pt.toString(),
            "--task",
            "blast",
            "--classes",
            "blast,normal",
            "--input-size",
            "32",
            "--out",
            out.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).contains("not a classifier for these 2 classes").contains("(1, 3)");
    assertThat(out.resolve(ModelStore.MANIFEST)).doesNotExist();

    for (String[] bad :
        new String[][] {
          {"--torchscript", dir.resolve("absent.pt").toString(), "--task", "wbc"},
          {"--torchscript", pt.toString(), "--task", "cells"},
          {"--torchscript", pt.toString(), "--task", "countable"}
        }) {
      StringWriter why = new StringWriter();
      String[] args = new String[bad.length + 7];
      args[0] = "import-model";
      System.arraycopy(bad, 0, args, 1, bad.length);
      System.arraycopy(
          new String[] {"--classes", "a,b,c", "--input-size", "32", "--out", out.toString()},
          0,
          args,
          bad.length + 1,
          6);
      assertThat(Cli.run(new StringWriter(), why, args)).as(why.toString()).isEqualTo(2);
      assertThat(why.toString().lines()).hasSize(1);
    }
    assertThat(Files.exists(out.resolve(ModelStore.MANIFEST))).isFalse();
  }
}
