package io.github.medsa.cli;

import io.github.medsa.Backbone;
import io.github.medsa.MedSA;
import io.github.medsa.SamConfig;
import io.github.medsa.SamConfigJson;
import io.github.medsa.checkpoint.CheckpointInfo;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.internal.model.SamParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which model: a checkpoint (official or custom sizes), at which input size. Shared by every subcommand. */
public final class ModelOptions {
  @Option(names = {"-c", "--checkpoint"},
      description = "SAM weights: sam_vit_{b,l,h}_*.pth, MobileSAM's mobile_sam.pt, Hugging Face model.safetensors, "
          + "or a checkpoint written "
          + "by `medsa train` (adapters included).")
  public Path checkpoint;

  @Option(names = "--backbone", description = "vit_b, vit_l, vit_h or tiny_vit (MobileSAM's TinyViT, for CPUs; "
      + "default: recognised from the checkpoint).")
  public String backbone;

  @Option(names = "--config", description = "JSON with custom model sizes (SAM's names: img_size, embed_dim, ...).")
  public Path config;

  @Option(names = "--image-size", description = "Run the encoder at this input side (e.g. 256 for a 1024 checkpoint, "
      + "as Med-SA fine-tunes); positional embeddings are resized.")
  public Integer imageSize;

  /** The sizes: {@code --config}, else {@code --backbone}, else recognised from the checkpoint's shapes. */
  public SamConfig samConfig() throws IOException {
    if (config != null) {
      requireFile(config, "--config");
      return UserInputException.reading("--config", config, () -> SamConfigJson.read(config));
    }
    if (backbone != null) {
      return parseBackbone(backbone).config();
    }
    if (checkpoint == null) {
      throw new UserInputException("give --checkpoint (or --config with --random-init)");
    }
    Path beside = checkpoint.toAbsolutePath().resolveSibling("config.json");
    if (Files.isRegularFile(beside)) { // written by `medsa train` next to its checkpoint
      return UserInputException.reading("config.json beside --checkpoint", beside, () -> SamConfigJson.read(beside));
    }
    return Backbone.valueOf(preset(checkpoint).orElseThrow(() -> new UserInputException(checkpoint
        + ": not an official SAM ViT-B/L/H or MobileSAM checkpoint; give --backbone or --config"))).config();
  }

  /**
   * The official preset whose tensors are exactly the checkpoint's, if any ({@code VIT_B}, ..., {@code TINY_VIT}),
   * not counting the tensors a preset leaves unused by design (MobileSAM's ImageNet head and BatchNorm counters).
   */
  public static Optional<String> preset(Path checkpoint) throws IOException {
    CheckpointInfo info = CheckpointInfo.inspect(checkpoint);
    for (Backbone b : Backbone.values()) {
      if (info.matches(SamParameters.shapes(b.config()), SamParameters.unusedByDesign(b.config()))) {
        return Optional.of(b.name());
      }
    }
    return Optional.empty();
  }

  /** {@code --backbone}, parsed, if given. */
  public Optional<Backbone> backbone() {
    return backbone == null ? Optional.empty() : Optional.of(parseBackbone(backbone));
  }

  /** The model from {@code --checkpoint} with {@code extension} (initialised from {@code seed} when not saved). */
  public MedSA load(ModelExtension extension, long seed) throws IOException {
    if (checkpoint == null) {
      throw new UserInputException("give --checkpoint FILE\n" + SegmentCommand.missingCheckpointHelp());
    }
    requireFile(checkpoint, "checkpoint");
    MedSA.Builder b = MedSA.builder().config(samConfig()).checkpoint(checkpoint).adapters(extension).seed(seed);
    if (imageSize != null) {
      b.imageSize(imageSize);
    }
    return UserInputException.reading("--checkpoint", checkpoint, b::build);
  }

  /** The model from {@code --checkpoint}, with Med-SA adapters when the checkpoint holds adapter tensors. */
  public MedSA loadForInference(long seed) throws IOException {
    if (checkpoint != null && Files.isRegularFile(checkpoint)) {
      var names = CheckpointInfo.inspect(checkpoint).shapes().keySet();
      // TinyViT's 2D Med-SA blocks also hold an unused Depth_Adapter; only ViT blocks with one are SD-Trans.
      if (names.stream().anyMatch(n -> n.contains("Depth_Adapter.") && n.startsWith("image_encoder.blocks."))) {
        throw new UserInputException(checkpoint + " holds an SD-Trans (3D) model; segment volumes with it "
            + "through the library's VolumeSegmenter with SdTrans.of(Adapters.medsa(), D)");
      }
      if (names.stream().anyMatch(io.github.medsa.adapters.Adapters::isAdapter)) {
        return load(io.github.medsa.adapters.Adapters.medsa(), seed);
      }
    }
    return load(ModelExtension.NONE, seed);
  }

  /** A model with fresh random weights (PyTorch's initialisation, seeded), for demos and training from scratch. */
  public MedSA random(ModelExtension extension, long seed) throws IOException {
    if (config == null && backbone == null) {
      throw new UserInputException("--random-init needs --config (model sizes) or --backbone");
    }
    MedSA.Builder b = MedSA.builder().config(samConfig()).randomWeights().adapters(extension).seed(seed);
    if (imageSize != null) {
      b.imageSize(imageSize);
    }
    return b.build();
  }

  static Backbone parseBackbone(String name) {
    try {
      return Backbone.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("unknown backbone '" + name + "': use vit_b, vit_l, vit_h or tiny_vit");
    }
  }

  static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(what + " " + file + " does not exist or is not a file");
    }
  }
}
