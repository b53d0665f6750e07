package io.github.medsa.cli;

import io.github.medsa.Backbone;
import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.SamConfigJson;
import io.github.medsa.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medsa segment}: one image, one prompt, a mask PNG and an overlay PNG. */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Segment an object in a 2D image (PNG, JPEG, TIFF, BMP) from clicks and/or a box, or in a volume "
        + "(NIfTI .nii/.nii.gz or a DICOM folder) from a 3D box and/or 3D clicks.",
        "2D coordinates are pixels of the image: x to the right, y down; boxes x0,y0,x1,y1.",
        "3D coordinates are voxel indices x,y,z (i,j,k) of the volume; the mask is written as NIfTI on its grid."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:masks written", "1:unexpected failure", "2:bad input (files, prompts, checkpoint)"})
final class SegmentCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-i", "--image"}, required = true, description = "The image to segment.")
  Path image;

  @Option(names = {"-c", "--checkpoint"},
      description = "SAM weights: sam_vit_{b,l,h}_*.pth or Hugging Face model.safetensors.")
  Path checkpoint;

  @Option(names = "--backbone", description = "vit_b, vit_l, vit_h or tiny_vit (MobileSAM's TinyViT, for CPUs; "
      + "default: recognised from the checkpoint).")
  String backbone;

  @Option(names = "--config", description = "JSON with custom model sizes, for non-official checkpoints.")
  Path config;

  @Option(names = {"-p", "--point"}, paramLabel = "X,Y[,LABEL]",
      description = "A click; LABEL 1 = foreground (default), 0 = background. Repeatable.")
  List<String> points = new ArrayList<>();

  @Option(names = {"-b", "--box"}, paramLabel = "X0,Y0,X1,Y1", description = "A box around the object.")
  String box;

  @Option(names = "--multimask", description = "Predict three candidate masks and keep the best (default: on "
      + "for a single click, off otherwise).")
  Boolean multimask;

  @Option(names = "--box-3d", paramLabel = "X0,Y0,Z0,X1,Y1,Z1", description = "Volumes: a box in voxels, "
      + "projected onto every slice it spans.")
  String box3d;

  @Option(names = "--click", paramLabel = "X,Y,Z[,LABEL]", description = "Volumes: a click in voxels; LABEL 1 = "
      + "foreground (default), 0 = background. Repeatable.")
  List<String> clicks = new ArrayList<>();

  @Option(names = "--window", defaultValue = "mri", paramLabel = "ct:LEVEL,WIDTH|mri",
      description = "Volumes: intensity window (default: ${DEFAULT-VALUE}, percentiles 0.5-99.5).")
  String window;

  @Option(names = "--axis", defaultValue = "axial", description = "Volumes: slicing axis, axial, coronal or sagittal "
      + "(default: ${DEFAULT-VALUE}).")
  String axis;

  @Option(names = "--probabilities", description = "Volumes: also write the probability volume (float32 NIfTI).")
  boolean probabilities;

  @Option(names = {"-o", "--out"}, defaultValue = "medsa-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    if (checkpoint == null) {
      spec.commandLine().getErr().println(missingCheckpointHelp());
      return MedSACommand.EXIT_USAGE;
    }
    if (Files.exists(image) && Volumes.isVolumePath(image)) {
      if (!points.isEmpty() || box != null) {
        throw new UserInputException("volumes take --click X,Y,Z and --box-3d, not --point/--box");
      }
      var prompt = VolumeSegmentation.prompt(clicks, box3d);
      var win = Volumes.window(window);
      var ax = Volumes.axis(axis);
      requireFile(checkpoint, "checkpoint");
      MedSA sam = UserInputException.reading("--checkpoint", checkpoint,
          () -> MedSA.builder().config(modelConfig()).checkpoint(checkpoint).build());
      return VolumeSegmentation.run(sam, image, prompt, win, ax, probabilities, out, stdout);
    }
    requireFile(image, "image");
    requireFile(checkpoint, "checkpoint");
    if (!clicks.isEmpty() || box3d != null) {
      throw new UserInputException("--click and --box-3d are for volumes; 2D images take --point and --box");
    }
    BufferedImage input = UserInputException.reading("--image", image, () -> ImageIO.read(image.toFile()));
    if (input == null) {
      throw new UserInputException(image + ": not an image format Java can read (PNG, JPEG, BMP, GIF, TIFF)");
    }
    Prompt prompt = prompt();
    try {
      prompt.checkInside(input.getHeight(), input.getWidth());
    } catch (IllegalArgumentException e) {
      // The prompt is the user's: exit 2, checked before the model is loaded.
      throw new UserInputException("--point/--box: " + e.getMessage(), e);
    }
    MedSA sam = UserInputException.reading("--checkpoint", checkpoint,
        () -> MedSA.builder().config(modelConfig()).checkpoint(checkpoint).build());
    try (sam;
        EncodedImage encoded = sam.encode(RgbImage.of(input));
        Prediction p = encoded.predict(prompt)) {
      int best = p.best();
      Files.createDirectories(out);
      String stem = image.getFileName().toString().replaceFirst("\\.[^.]+$", "");
      Path maskFile = out.resolve(stem + "_mask.png");
      Path overlayFile = out.resolve(stem + "_overlay.png");
      ImageIO.write(Overlays.maskImage(p.mask(best)), "png", maskFile.toFile());
      ImageIO.write(Overlays.overlay(RgbImage.of(input), p.mask(best), prompt), "png", overlayFile.toFile());
      float[] iou = p.iouPredictions();
      for (int i = 0; i < iou.length; i++) {
        stdout.printf("mask %d: predicted IoU %.3f%s%n", i, iou[i], i == best ? "  <- written" : "");
      }
      stdout.println("mask:    " + maskFile);
      stdout.println("overlay: " + overlayFile);
    }
    return 0;
  }

  private Prompt prompt() {
    if (points.isEmpty() && box == null) {
      throw new UserInputException("give at least one --point X,Y or a --box X0,Y0,X1,Y1");
    }
    Prompt.Builder b = Prompt.builder();
    for (String p : points) {
      double[] v = numbers(p, "--point", 2, 3);
      b.point(v[0], v[1], v.length == 3 ? (int) v[2] : 1);
    }
    if (box != null) {
      double[] v = numbers(box, "--box", 4, 4);
      b.box(v[0], v[1], v[2], v[3]);
    }
    b.multimask(multimask != null ? multimask : points.size() == 1 && box == null);
    return b.build();
  }

  private SamConfig modelConfig() throws IOException {
    if (config != null) {
      return UserInputException.reading("--config", config, () -> SamConfigJson.read(config));
    }
    if (backbone != null) {
      return ModelOptions.parseBackbone(backbone).config();
    }
    return Backbone.valueOf(ModelOptions.preset(checkpoint).orElseThrow(() -> new UserInputException(checkpoint
        + ": not an official SAM ViT-B/L/H or MobileSAM checkpoint; give --backbone or --config"))).config();
  }

  static double[] numbers(String text, String option, int min, int max) {
    String[] parts = text.split(",");
    if (parts.length < min || parts.length > max) {
      throw new UserInputException(option + " '" + text + "': expected " + (min == max ? min : min + " or " + max)
          + " comma-separated numbers");
    }
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UserInputException(option + " '" + text + "': '" + parts[i] + "' is not a number");
      }
    }
    return v;
  }

  private static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(what + " " + file + " does not exist or is not a file");
    }
  }

  static String missingCheckpointHelp() {
    StringBuilder sb = new StringBuilder("medsa segment needs SAM weights: --checkpoint FILE. Official checkpoints:\n");
    for (Backbone b : Backbone.values()) {
      sb.append(String.format("  %s  %s%n", b, b.downloadUrl()));
      if (b.huggingFaceModel() != null) {
        sb.append(String.format("        or model.safetensors of https://huggingface.co/%s%n", b.huggingFaceModel()));
      }
    }
    return sb.toString().stripTrailing();
  }
}
