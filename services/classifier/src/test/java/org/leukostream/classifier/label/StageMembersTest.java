package org.leukostream.classifier.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.leukostream.classifier.core.ClassifierModels;

/** One member-weight rule for the service's config mapping, in Quarkus and in the demo alike. */
class StageMembersTest {
  static StageMembers.Member member(String model, Double weight) {
    return new StageMembers.Member(model, Optional.ofNullable(weight));
  }

  @Test
  void membersWithoutAWeightShareWhatTheGivenWeightsLeave() {
    assertThat(
            StageMembers.resolve(
                "wbc", List.of(member("a", 0.5), member("b", null), member("c", null))))
        .containsExactly(Map.entry("a", 0.5), Map.entry("b", 0.25), Map.entry("c", 0.25));
  }

  @Test
  void aMemberOfWeightZeroIsLeftOutAndTheLastOneCannotBe() {
    // An override replaces the default's first member and switches off its second.
    Properties p = new Properties();
    p.setProperty("leukostream.classifier.blast.members[0].model", "/models/framed");
    p.setProperty("leukostream.classifier.blast.members[0].weight", "1.0");
    p.setProperty("leukostream.classifier.blast.members[1].model", "classpath:default/vit");
    p.setProperty("leukostream.classifier.blast.members[1].weight", "0");
    assertThat(ClassifierModels.weights(TestSettings.classifier(p), "blast").orElseThrow())
        .containsExactly(Map.entry("/models/framed", 1.0));

    assertThatThrownBy(() -> StageMembers.resolve("blast", List.of(member("a", 0.0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no members");
  }

  @Test
  void aModelListedTwiceIsRefused() {
    Properties p = new Properties();
    p.setProperty("leukostream.classifier.blast.members[0].model", "/models/a");
    p.setProperty("leukostream.classifier.blast.members[1].model", "/models/a");
    assertThatThrownBy(() -> ClassifierModels.weights(TestSettings.classifier(p), "blast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists /models/a twice");
  }
}
