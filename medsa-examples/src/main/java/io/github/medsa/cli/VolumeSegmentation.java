package io.github.medsa.cli;

import io.github.medsa.MedSA;
import io.github.medsa.Prompt;
import io.github.medsa.volume.Axis;
import io.github.medsa.volume.IntensityWindow;
import io.github.medsa.volume.SliceView;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumePrompt;
import io.github.medsa.volume.VolumeSegmenter;
import io.github.medsa.volume.nifti.NiftiDatatype;
import io.github.medsa.volume.nifti.NiftiHeader;
import io.github.medsa.volume.nifti.NiftiReader;
import io.github.medsa.volume.nifti.NiftiWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code segment} on a volume: voxel prompts ({@code --box-3d}, {@code --click X,Y,Z[,LABEL]}) decoded slice by
 * slice, the mask written as uint8 NIfTI with the source geometry (and float32 probabilities on request) plus an
 * overlay PNG of the middle prompted slice.
 */
final class VolumeSegmentation {
  private VolumeSegmentation() {}

  static VolumePrompt prompt(List<String> clicks, String box3d) {
    if (clicks.isEmpty() && box3d == null) {
      throw new UserInputException("give at least one --click X,Y,Z or a --box-3d X0,Y0,Z0,X1,Y1,Z1 (voxels)");
    }
    VolumePrompt.Builder b = VolumePrompt.builder();
    for (String c : clicks) {
      double[] v = SegmentCommand.numbers(c, "--click", 3, 4);
      int label = v.length == 4 ? (int) v[3] : 1;
      if (label != 0 && label != 1) {
        throw new UserInputException("--click '" + c + "': label must be 1 (foreground) or 0 (background)");
      }
      b.click(v[0], v[1], v[2], label);
    }
    if (box3d != null) {
      double[] v = SegmentCommand.numbers(box3d, "--box-3d", 6, 6);
      b.voxelBox(v[0], v[1], v[2], v[3], v[4], v[5]);
    }
    return b.build();
  }

  static int run(MedSA model, Path imagePath, VolumePrompt prompt, IntensityWindow window, Axis axis,
      boolean probabilities, Path out, PrintWriter stdout) throws IOException {
    Volume image = UserInputException.reading("--image", imagePath, () -> Volumes.read(imagePath));
    NiftiHeader template = Files.isDirectory(imagePath) ? null
        : UserInputException.reading("--image", imagePath, () -> NiftiReader.read(imagePath).header());
    try {
      prompt.checkInside(image.geometry());
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--click/--box-3d: " + e.getMessage(), e);
    }
    VolumeSegmenter.Result r = new VolumeSegmenter(model, window, axis, 0).segment(image, prompt);
    Files.createDirectories(out);
    String stem = imagePath.getFileName().toString().replaceFirst("(?i)(\\.nii(\\.gz)?)$", "");
    Path maskFile = out.resolve(stem + "_mask.nii.gz");
    NiftiWriter.write(maskFile, r.mask(), NiftiDatatype.UINT8, template);
    stdout.println("mask:          " + maskFile + " (" + r.promptedSlices() + " prompted slices)");
    if (probabilities) {
      Path probFile = out.resolve(stem + "_probabilities.nii.gz");
      NiftiWriter.write(probFile, r.probabilities(), NiftiDatatype.FLOAT32, template);
      stdout.println("probabilities: " + probFile);
    }
    Path overlayFile = out.resolve(stem + "_overlay.png");
    writeOverlay(overlayFile, image, r.mask(), prompt, window, axis);
    stdout.println("overlay:       " + overlayFile);
    long voxels = 0;
    for (float v : r.mask().data()) {
      voxels += v > 0 ? 1 : 0;
    }
    double[] sp = image.geometry().spacing();
    stdout.printf(Locale.ROOT, "volume:        %d voxels, %.1f mm^3%n", voxels, voxels * sp[0] * sp[1] * sp[2]);
    return 0;
  }

  /** The middle prompted slice with the mask and that slice's prompt drawn over it. */
  private static void writeOverlay(Path png, Volume image, Volume mask, VolumePrompt prompt, IntensityWindow window,
      Axis axis) throws IOException {
    SliceView view = SliceView.of(image.geometry(), axis);
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    if (prompt.box() != null) {
      double[] b = prompt.box();
      double s0 = view.toPixel(b[0], b[1], b[2])[0];
      double s1 = view.toPixel(b[3], b[4], b[5])[0];
      lo = (int) Math.round(Math.min(s0, s1));
      hi = (int) Math.round(Math.max(s0, s1));
    }
    for (VolumePrompt.Click c : prompt.clicks()) {
      int s = (int) Math.round(view.toPixel(c.x(), c.y(), c.z())[0]);
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    int s = (lo + hi) / 2;
    Prompt.Builder p = Prompt.builder();
    boolean any = false;
    if (prompt.box() != null) {
      double[] b = prompt.box();
      double[] a = view.toPixel(b[0], b[1], b[2]);
      double[] c = view.toPixel(b[3], b[4], b[5]);
      p.box(Math.min(a[1], c[1]), Math.min(a[2], c[2]), Math.max(a[1], c[1]), Math.max(a[2], c[2]));
      any = true;
    }
    for (VolumePrompt.Click c : prompt.clicks()) {
      double[] px = view.toPixel(c.x(), c.y(), c.z());
      if (Math.round(px[0]) == s) {
        p.point(px[1], px[2], c.label());
        any = true;
      }
    }
    float[] m = view.slice(mask, s);
    var img = view.image(image, s, window.range(image));
    var maskArray = Nd4j.createFromArray(m).reshape(view.height(), view.width());
    ImageIO.write(Overlays.overlay(img, maskArray, any ? p.build() : null), "png", png.toFile());
  }
}
