package io.github.medsa.cli;

import io.github.medsa.Prompt;
import io.github.medsa.image.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Pictures of results: a 0/255 mask and the image with the mask and the prompt drawn over it. */
public final class Overlays {
  private static final Color MASK = new Color(255, 64, 32);
  private static final double ALPHA = 0.45;

  private Overlays() {}

  /** {@code [H, W]} mask as an 8-bit grey image, 255 inside. */
  public static BufferedImage maskImage(INDArray mask) {
    int h = (int) mask.size(0);
    int w = (int) mask.size(1);
    int[] v = mask.castTo(DataType.INT).dup('c').data().asInt();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < v.length; i++) {
      px[i] = (byte) (v[i] != 0 ? 255 : 0);
    }
    return img;
  }

  /** The image with the mask blended in and the prompt's points (green = foreground) and box drawn. */
  public static BufferedImage overlay(RgbImage image, INDArray mask, Prompt prompt) {
    BufferedImage img = image.toBufferedImage();
    int w = img.getWidth();
    int[] v = mask.castTo(DataType.INT).dup('c').data().asInt();
    for (int i = 0; i < v.length; i++) {
      if (v[i] != 0) {
        int x = i % w;
        int y = i / w;
        int rgb = img.getRGB(x, y);
        img.setRGB(x, y, blend(rgb));
      }
    }
    if (prompt != null) {
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      int r = Math.max(2, Math.min(img.getWidth(), img.getHeight()) / 60);
      for (Prompt.Point p : prompt.points()) {
        g.setColor(p.label() == 1 ? Color.GREEN : Color.RED);
        g.fillOval((int) Math.round(p.x()) - r, (int) Math.round(p.y()) - r, 2 * r, 2 * r);
      }
      if (prompt.box() != null) {
        Prompt.Box b = prompt.box();
        g.setColor(Color.CYAN);
        g.setStroke(new BasicStroke(Math.max(1, r / 2f)));
        g.drawRect((int) b.x0(), (int) b.y0(), (int) (b.x1() - b.x0()), (int) (b.y1() - b.y0()));
      }
      g.dispose();
    }
    return img;
  }

  private static int blend(int rgb) {
    int r = (int) (((rgb >> 16) & 255) * (1 - ALPHA) + MASK.getRed() * ALPHA);
    int gr = (int) (((rgb >> 8) & 255) * (1 - ALPHA) + MASK.getGreen() * ALPHA);
    int b = (int) ((rgb & 255) * (1 - ALPHA) + MASK.getBlue() * ALPHA);
    return (r << 16) | (gr << 8) | b;
  }
}
