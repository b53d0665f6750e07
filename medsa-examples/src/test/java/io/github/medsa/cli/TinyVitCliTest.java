package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.medsa.SamConfig;
import io.github.medsa.SamConfigJson;
import io.github.medsa.checkpoint.Safetensors;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.image.RgbImage;
import io.github.medsa.internal.model.SamInitializer;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The TinyViT backbone through the command line: info, segment, train and evaluate at tiny sizes. */
class TinyVitCliTest {
  @TempDir
  Path tmp;

  @Test
  void infoRecognisesMobileSamsLayout() throws Exception {
    // MobileSAM's tensors (random values): the model's, the ImageNet head and every BatchNorm counter.
    Map<String, INDArray> all = new LinkedHashMap<>(
        SamInitializer.random(SamParameters.shapes(SamConfig.TINY_VIT), 1).asMap());
    List.copyOf(all.keySet()).stream().filter(k -> k.endsWith(".bn.running_mean"))
        .forEach(k -> all.put(k.replace("running_mean", "num_batches_tracked"), Nd4j.scalar(0f)));
    all.put("image_encoder.norm_head.weight", Nd4j.ones(DataType.FLOAT, 320));
    all.put("image_encoder.norm_head.bias", Nd4j.zeros(DataType.FLOAT, 320));
    all.put("image_encoder.head.weight", Nd4j.zeros(DataType.FLOAT, 1000, 320));
    all.put("image_encoder.head.bias", Nd4j.zeros(DataType.FLOAT, 1000));
    Path file = tmp.resolve("mobile_sam.safetensors");
    Safetensors.write(file, StateDict.of(all));
    CliTesting.Result r = CliTesting.run("info", "--no-tensors", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("preset:      tiny_vit");
    // Without the unused tensors it is still MobileSAM; with a stray one it is not.
    all.put("image_encoder.stray", Nd4j.zeros(DataType.FLOAT, 2));
    Safetensors.write(file, StateDict.of(all));
    assertThat(CliTesting.run("info", "--no-tensors", file.toString()).out()).contains("preset:      custom");
  }

  @Test
  void segmentsWithTheMobileSamFixture() throws Exception {
    Path image = tmp.resolve("slice.png");
    ImageIO.write(RgbImage.of(Fixtures.npy("mobilesam-tiny/image.npy")).toBufferedImage(), "png", image.toFile());
    Path out = tmp.resolve("out");
    // case_1: a click and a negative click, single mask.
    CliTesting.Result r = CliTesting.run("segment", "--image", image.toString(),
        "--checkpoint", Fixtures.path("mobilesam-tiny/weights.pth").toString(),
        "--config", Fixtures.path("mobilesam-tiny/config.json").toString(),
        "--point", "90,110", "--point", "40,60,0", "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    BufferedImage mask = ImageIO.read(out.resolve("slice_mask.png").toFile());
    INDArray ref = Fixtures.npy("mobilesam-tiny/case_1/masks.npy").castTo(DataType.INT).reshape(217, 181);
    INDArray logits = Fixtures.npy("mobilesam-tiny/case_1/mask_logits.npy").reshape(217, 181);
    int differing = 0;
    int foreground = 0;
    for (int y = 0; y < 217; y++) {
      for (int x = 0; x < 181; x++) {
        boolean ours = mask.getRaster().getSample(x, y, 0) == 255;
        boolean theirs = ref.getInt(y, x) != 0;
        foreground += theirs ? 1 : 0;
        differing += ours != theirs && Math.abs(logits.getFloat(y, x)) >= 1e-3 ? 1 : 0;
      }
    }
    assertThat(foreground).isPositive();
    assertThat(differing).isZero();
  }

  @Test
  void trainsAndEvaluatesACompactTinyVit() throws Exception {
    Path data = CliTesting.copyPairs(tmp.resolve("data"), List.of("080", "082"));
    Path config = tmp.resolve("tinyvit.json");
    Files.writeString(config, "{\"img_size\": 64, \"embed_dims\": [8, 16, 16, 320], \"depths\": [1, 1, 1, 1],"
        + " \"num_heads\": [1, 1, 2, 10], \"window_sizes\": [2, 2, 2, 2], \"mlp_ratio\": 1.0,"
        + " \"mbconv_expand_ratio\": 1.0, \"prompt_embed_dim\": 16, \"mask_in_chans\": 4, \"decoder_mlp_dim\": 16,"
        + " \"decoder_heads\": 2, \"iou_head_hidden_dim\": 8}");
    Path run = tmp.resolve("run");
    CliTesting.Result r = CliTesting.run("train", "--images", data.toString(), "--masks", data.toString(),
        "--pair-prefix", "img_,lab_", "--labels", "77,78", "--random-init", "--config", config.toString(),
        "--epochs", "1", "--batch-size", "2", "--lr", "1e-3", "--seed", "3", "--out", run.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    // The config written beside the checkpoint is the TinyViT's, so the checkpoint reloads by itself.
    SamConfig written = SamConfigJson.read(run.resolve("config.json"));
    assertThat(written).isEqualTo(SamConfigJson.read(config));
    assertThat(written.tinyVit().embedDims()).containsExactly(8, 16, 16, 320);
    var summary = JsonParser.parseString(Files.readString(run.resolve("summary.json"))).getAsJsonObject();
    assertThat(summary.getAsJsonArray("losses")).hasSize(1);

    CliTesting.Result e = CliTesting.run("evaluate", "--images", data.toString(), "--masks", data.toString(),
        "--pair-prefix", "img_,lab_", "--labels", "77,78", "--checkpoint",
        run.resolve("checkpoint.safetensors").toString(), "--out", tmp.resolve("eval").toString());
    assertThat(e.exitCode()).as(e.err()).isZero();
    assertThat(Files.readAllLines(tmp.resolve("eval/cases.csv"))).hasSize(3);
  }
}
