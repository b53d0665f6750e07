package io.github.medsa.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StateDictValidatorTest {
  private static StateDict dict(Map<String, long[]> shapes) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    shapes.forEach((k, s) -> m.put(k, Nd4j.zeros(DataType.FLOAT, s)));
    return StateDict.of(m);
  }

  private static Map<String, long[]> expected() {
    Map<String, long[]> e = new LinkedHashMap<>();
    e.put("a.weight", new long[] {4, 3});
    e.put("a.bias", new long[] {4});
    e.put("b.weight", new long[] {2, 2});
    return e;
  }

  @Test
  void cleanWhenEverythingMatches() {
    LoadReport r = StateDictValidator.validate(dict(expected()), expected(), true);
    assertThat(r.isClean()).isTrue();
    assertThat(r.missingKeys()).isEmpty();
  }

  @Test
  void missingKey() {
    Map<String, long[]> have = expected();
    have.remove("a.bias");
    assertThatThrownBy(() -> StateDictValidator.validate(dict(have), expected(), true))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("missing key: a.bias")
        .satisfies(e -> assertThat(((StateDictMismatchException) e).missingKeys()).containsExactly("a.bias"));
  }

  @Test
  void unexpectedKey() {
    Map<String, long[]> have = expected();
    have.put("extra.weight", new long[] {1});
    assertThatThrownBy(() -> StateDictValidator.validate(dict(have), expected(), true))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("unexpected key: extra.weight")
        .satisfies(e -> assertThat(((StateDictMismatchException) e).unexpectedKeys())
            .containsExactly("extra.weight"));
  }

  @Test
  void wrongShape() {
    Map<String, long[]> have = expected();
    have.put("a.weight", new long[] {3, 4});
    assertThatThrownBy(() -> StateDictValidator.validate(dict(have), expected(), true))
        .isInstanceOf(StateDictMismatchException.class)
        .hasMessageContaining("a.weight: expected [4, 3], found [3, 4]");
  }

  @Test
  void allProblemsInOneMessage() {
    Map<String, long[]> have = new LinkedHashMap<>();
    have.put("a.weight", new long[] {4, 4});
    have.put("b.weight", new long[] {2});
    have.put("c.weight", new long[] {1});
    have.put("d.weight", new long[] {1});
    StateDictMismatchException e = org.junit.jupiter.api.Assertions.assertThrows(StateDictMismatchException.class,
        () -> StateDictValidator.validate(dict(have), expected(), true));
    assertThat(e.getMessage()).contains("1 missing, 2 unexpected, 2 shape mismatches",
        "missing key: a.bias", "unexpected key: c.weight", "unexpected key: d.weight",
        "a.weight: expected [4, 3], found [4, 4]", "b.weight: expected [2, 2], found [2]");
    assertThat(e.missingKeys()).containsExactly("a.bias");
    assertThat(e.unexpectedKeys()).containsExactly("c.weight", "d.weight");
    assertThat(e.shapeMismatches()).extracting(LoadReport.ShapeMismatch::name).containsExactly("a.weight", "b.weight");
    assertThat(e.shapeMismatches().get(0).expected()).containsExactly(4, 3);
    assertThat(e.shapeMismatches().get(0).found()).containsExactly(4, 4);
  }

  @Test
  void nonStrictReturnsTheReport() {
    Map<String, long[]> have = new LinkedHashMap<>();
    have.put("a.weight", new long[] {4, 4});
    have.put("b.weight", new long[] {2, 2});
    have.put("c.weight", new long[] {1});
    LoadReport r = StateDictValidator.validate(dict(have), expected(), false);
    assertThat(r.isClean()).isFalse();
    assertThat(r.missingKeys()).containsExactly("a.bias");
    assertThat(r.unexpectedKeys()).containsExactly("c.weight");
    assertThat(r.shapeMismatches()).hasSize(1);
    assertThat(r.shapeMismatches().get(0)).hasToString("a.weight: expected [4, 3], found [4, 4]");
  }

  @Test
  void samTinyCheckpointMatchesItsOwnShapesButNotVitB() throws Exception {
    StateDict sd = Checkpoints.read(Fixtures.tiny("weights.pth"));
    Map<String, long[]> own = CheckpointInfo.inspect(Fixtures.tiny("weights.safetensors")).shapes();
    assertThat(StateDictValidator.validate(sd, own, true).isClean()).isTrue();
    LoadReport r = StateDictValidator.validate(sd, Fixtures.presetShapes().get("vit_b"), false);
    assertThat(r.unexpectedKeys()).isEmpty();
    assertThat(r.missingKeys()).contains("image_encoder.blocks.11.norm1.weight");
    assertThat(r.shapeMismatches()).extracting(LoadReport.ShapeMismatch::name)
        .contains("image_encoder.patch_embed.proj.weight");
  }
}
