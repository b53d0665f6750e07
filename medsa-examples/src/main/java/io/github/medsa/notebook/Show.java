package io.github.medsa.notebook;

import io.github.medsa.Prompt;
import io.github.medsa.cli.Overlays;
import io.github.medsa.image.RgbImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inline pictures for notebooks: each call sends one PNG to the notebook as {@code image/png} display data (with a
 * text fallback), scaled so its longest side is at most {@link #SIZE} pixels to keep executed notebooks small.
 * Outside a notebook kernel the text fallback is printed instead.
 */
public final class Show {
  /** Longest side of a shown picture, in pixels. */
  public static final int SIZE = 256;
  private static final Color PREDICTED = new Color(255, 64, 32);
  private static final Color TRUTH = new Color(64, 255, 64);

  private Show() {}

  /** Shows an image (smaller images are enlarged to {@link #SIZE}, larger ones reduced). */
  public static void image(BufferedImage image) {
    display(fit(image, SIZE), "image");
  }

  /** Shows the image with the mask ({@code [H, W]}, non-zero inside) blended in red and the prompt drawn. */
  public static void overlay(RgbImage image, INDArray mask, Prompt prompt) {
    image(Overlays.overlay(image, mask, prompt));
  }

  /**
   * Shows the image with a predicted mask blended in red and the outline of a reference mask in green (either may
   * be null); both are row-major {@code height x width}.
   */
  public static void overlay(RgbImage image, boolean[] predicted, boolean[] truth) {
    image(overlayImage(image, predicted, truth));
  }

  /** The picture {@link #overlay(RgbImage, boolean[], boolean[])} shows, at the image's size. */
  public static BufferedImage overlayImage(RgbImage image, boolean[] predicted, boolean[] truth) {
    BufferedImage img = image.toBufferedImage();
    int w = img.getWidth();
    int h = img.getHeight();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (predicted != null && predicted[i]) {
          img.setRGB(x, y, blend(img.getRGB(x, y), PREDICTED, 0.45));
        }
        if (truth != null && truth[i] && (x == 0 || y == 0 || x == w - 1 || y == h - 1
            || !truth[i - 1] || !truth[i + 1] || !truth[i - w] || !truth[i + w])) {
          img.setRGB(x, y, TRUTH.getRGB());
        }
      }
    }
    return img;
  }

  /** Shows several pictures side by side in one PNG, each fitted to {@link #SIZE}. */
  public static void row(BufferedImage... images) {
    int width = 0;
    BufferedImage[] fitted = new BufferedImage[images.length];
    for (int i = 0; i < images.length; i++) {
      fitted[i] = fit(images[i], SIZE);
      width += fitted[i].getWidth() + (i > 0 ? 4 : 0);
    }
    int height = 0;
    for (BufferedImage f : fitted) {
      height = Math.max(height, f.getHeight());
    }
    BufferedImage out = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    int x = 0;
    for (BufferedImage f : fitted) {
      g.drawImage(f, x, 0, null);
      x += f.getWidth() + 4;
    }
    g.dispose();
    display(out, images.length + " images");
  }

  /** Shows an XChart chart (rendered at its own size, at most {@code 2 x SIZE} wide). */
  public static void chart(Chart<?, ?> chart) {
    BufferedImage img = BitmapEncoder.getBufferedImage(chart);
    display(img.getWidth() > 2 * SIZE ? fit(img, 2 * SIZE) : img, "chart");
  }

  /** PNG bytes of an image. */
  public static byte[] png(BufferedImage image) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The image scaled (aspect kept) so that its longest side is {@code size}. */
  public static BufferedImage fit(BufferedImage image, int size) {
    int w = image.getWidth();
    int h = image.getHeight();
    double s = (double) size / Math.max(w, h);
    int nw = Math.max(1, (int) Math.round(w * s));
    int nh = Math.max(1, (int) Math.round(h * s));
    if (nw == w && nh == h && image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage out = new BufferedImage(nw, nh, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, s >= 1
        ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, nw, nh, null);
    g.dispose();
    return out;
  }

  private static void display(BufferedImage image, String what) {
    String text = "<" + what + " " + image.getWidth() + "x" + image.getHeight() + ">";
    BaseKernel kernel = BaseKernel.notebookKernel();
    if (kernel == null || !kernel.getIO().isAttached()) {
      System.out.println(text);
      return;
    }
    DisplayData data = new DisplayData(text);
    data.putData("image/png", Base64.getEncoder().encodeToString(png(image)));
    kernel.display(data);
  }

  private static int blend(int rgb, Color c, double alpha) {
    int r = (int) (((rgb >> 16) & 255) * (1 - alpha) + c.getRed() * alpha);
    int g = (int) (((rgb >> 8) & 255) * (1 - alpha) + c.getGreen() * alpha);
    int b = (int) ((rgb & 255) * (1 - alpha) + c.getBlue() * alpha);
    return (r << 16) | (g << 8) | b;
  }
}
