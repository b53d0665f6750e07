package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.medsa.Prompt;
import java.util.SplittableRandom;

/**
 * Simulates the user's prompt from a ground-truth mask, as training needs. Immutable; every call draws only from
 * the random source it is given, so results are reproducible.
 *
 * <p>Per call, in this order of draws:
 * <ol>
 *   <li>mode: one {@code nextDouble()}; the sample gets a BOX when it is {@code < boxProbability}, else CLICKS
 *       ({@code boxProbability} 0 = clicks only, the default; 1 = boxes only, see {@link Builder#box()}).</li>
 *   <li>CLICKS (or a box with {@link Builder#clicksWithBox}): {@code positiveClicks} foreground pixels, then
 *       {@code negativeClicks} background pixels, each uniform and independent (repeats possible). A click is the
 *       pixel's integer index as {@code (x = column, y = row)} in original image pixels, label 1 or 0. (The
 *       official code's {@code np.argwhere} gives (row, column); that swap does not happen here.)</li>
 *   <li>BOX: the mask's inclusive bounding box {@code x0, y0, x1, y1}; each edge moved by a uniform integer in
 *       {@code [-boxJitter, +boxJitter]} (drawn x0, y0, x1, y1; the official code uses 10), clamped to
 *       {@code [0, width-1] x [0, height-1]}, swapped if the jitter crossed the edges.</li>
 * </ol>
 *
 * <p>Special masks:
 * <ul>
 *   <li>empty mask (no foreground, no box possible): always {@code max(1, negativeClicks)} negative clicks at
 *       uniform pixels of the whole image and no box, whatever the mode (the official code labels its click 0
 *       there);</li>
 *   <li>no background (full mask): negative clicks are left out; if that leaves no point and no box, one
 *       positive click is drawn.</li>
 * </ul>
 * Prompts always have {@code multimask(false)}: training uses the single-mask output.
 *
 * <p>Seeding: {@link #simulate(BinaryMask, long, int, int)} uses {@link #sampleSeed(long, int, int)}, so the
 * prompt of sample {@code index} in {@code epoch} does not depend on call order, batching or threads.
 */
public final class PromptSimulator {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final int positiveClicks;
  private final int negativeClicks;
  private final double boxProbability;
  private final int boxJitter;
  private final boolean clicksWithBox;

  private PromptSimulator(Builder b) {
    this.positiveClicks = b.positiveClicks;
    this.negativeClicks = b.negativeClicks;
    this.boxProbability = b.boxProbability;
    this.boxJitter = b.boxJitter;
    this.clicksWithBox = b.clicksWithBox;
  }

  /** @return the simulator of one positive click, no negative click, no box */
  public static PromptSimulator defaults() {
    return builder().build();
  }

  /** @return a builder with the defaults (see {@link Builder}) */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The seed of sample {@code index} in {@code epoch} (index -1 is used for the epoch's shuffle):
   * {@code mix(mix(mix(seed) + epoch) + index)} where {@code mix(z)} is one SplitMix64 step, i.e. the
   * Stafford variant 13 finaliser of {@code z + 0x9E3779B97F4A7C15} (shifts 30, 27, 31; multipliers
   * {@code 0xBF58476D1CE4E5B9}, {@code 0x94D049BB133111EB}). Pure function of its arguments.
   *
   * @param seed the run's seed
   * @param epoch the 0-based epoch
   * @param index the sample's index in the dataset, or -1 for the epoch's shuffle
   * @return the derived seed
   */
  public static long sampleSeed(long seed, int epoch, int index) {
    return mix(mix(mix(seed) + epoch) + index);
  }
  /**
   * The order in which one epoch visits {@code n} items: {@code 0..n-1}, shuffled when {@code shuffle} by
   * Fisher-Yates (for i = n-1..1) with {@code new SplittableRandom(sampleSeed(seed, epoch, -1))}. Shared by every
   * source of training steps so that one seed fixes the data order everywhere.
   *
   * @param n the number of items
   * @param seed the run's seed
   * @param epoch the 0-based epoch
   * @param shuffle whether to shuffle (else {@code 0..n-1} in order)
   * @return a permutation of {@code 0..n-1}
   */
  public static int[] epochOrder(int n, long seed, int epoch, boolean shuffle) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom rnd = new SplittableRandom(sampleSeed(seed, epoch, -1));
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }


  private static long mix(long x) {
    long z = x + GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The prompt of sample {@code index} in {@code epoch}: {@code simulate(mask, sampleSeed(seed, epoch, index))}.
   *
   * @param mask the sample's ground-truth mask
   * @param seed the run's seed
   * @param epoch the 0-based epoch
   * @param index the sample's index in the dataset
   * @return the prompt, in the mask's pixel coordinates (x = column, y = row)
   * @throws NullPointerException if {@code mask} is null
   */
  public Prompt simulate(BinaryMask mask, long seed, int epoch, int index) {
    return simulate(mask, sampleSeed(seed, epoch, index));
  }

  /**
   * {@code simulate(mask, new SplittableRandom(seed))}.
   *
   * @param mask the ground-truth mask
   * @param seed the seed of the draws
   * @return the prompt, in the mask's pixel coordinates (x = column, y = row)
   * @throws NullPointerException if {@code mask} is null
   */
  public Prompt simulate(BinaryMask mask, long seed) {
    return simulate(mask, new SplittableRandom(seed));
  }

  /**
   * Draws one prompt from {@code rnd} (see the class comment for the order of draws).
   *
   * @param mask the ground-truth mask
   * @param rnd the source of the draws, advanced
   * @return the prompt, in the mask's pixel coordinates (x = column, y = row)
   * @throws NullPointerException if an argument is null
   */
  public Prompt simulate(BinaryMask mask, SplittableRandom rnd) {
    checkNotNull(mask, "mask");
    checkNotNull(rnd, "rnd");
    int w = mask.width();
    boolean useBox = rnd.nextDouble() < boxProbability;
    Prompt.Builder p = Prompt.builder().multimask(false);
    int[] foreground = mask.indicesOf(true);
    if (foreground.length == 0) {
      int pixels = mask.height() * w;
      for (int k = 0; k < Math.max(1, negativeClicks); k++) {
        int i = rnd.nextInt(pixels);
        p.point(i % w, i / w, 0);
      }
      return p.build();
    }
    boolean clicks = !useBox || clicksWithBox;
    int drawn = 0;
    if (clicks) {
      for (int k = 0; k < positiveClicks; k++) {
        int i = foreground[rnd.nextInt(foreground.length)];
        p.point(i % w, i / w, 1);
        drawn++;
      }
      int[] background = negativeClicks > 0 ? mask.indicesOf(false) : new int[0];
      if (background.length > 0) {
        for (int k = 0; k < negativeClicks; k++) {
          int i = background[rnd.nextInt(background.length)];
          p.point(i % w, i / w, 0);
          drawn++;
        }
      }
    }
    if (useBox) {
      int[] b = mask.boundingBox().orElseThrow();
      int x0 = clamp(b[0] + jitter(rnd), w - 1);
      int y0 = clamp(b[1] + jitter(rnd), mask.height() - 1);
      int x1 = clamp(b[2] + jitter(rnd), w - 1);
      int y1 = clamp(b[3] + jitter(rnd), mask.height() - 1);
      p.box(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
    } else if (drawn == 0) {
      int i = foreground[rnd.nextInt(foreground.length)];
      p.point(i % w, i / w, 1);
    }
    return p.build();
  }

  private int jitter(SplittableRandom rnd) {
    return boxJitter == 0 ? 0 : rnd.nextInt(-boxJitter, boxJitter + 1);
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  /** @return positive clicks per prompt */
  public int positiveClicks() {
    return positiveClicks;
  }

  /** @return negative clicks per prompt */
  public int negativeClicks() {
    return negativeClicks;
  }

  /** @return the chance, per sample, of a box instead of clicks */
  public double boxProbability() {
    return boxProbability;
  }

  /** @return the maximum shift in pixels of each box edge */
  public int boxJitter() {
    return boxJitter;
  }

  /** @return whether a sample that gets a box also gets the clicks */
  public boolean clicksWithBox() {
    return clicksWithBox;
  }

  @Override
  public String toString() {
    return "PromptSimulator[positiveClicks=" + positiveClicks + ", negativeClicks=" + negativeClicks
        + ", boxProbability=" + boxProbability + ", boxJitter=" + boxJitter + ", clicksWithBox=" + clicksWithBox
        + "]";
  }

  /** Settings; defaults: 1 positive click, 0 negative clicks, box probability 0, jitter 0, no clicks with box. */
  public static final class Builder {
    private int positiveClicks = 1;
    private int negativeClicks = 0;
    private double boxProbability = 0;
    private int boxJitter = 0;
    private boolean clicksWithBox = false;

    private Builder() {}

    /**
     * Positive clicks (inside the mask) per prompt.
     *
     * @param n the count, non-negative
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public Builder positiveClicks(int n) {
      checkArgument(n >= 0, "positiveClicks must be >= 0, got %s", n);
      positiveClicks = n;
      return this;
    }

    /**
     * Negative clicks (outside the mask) per prompt.
     *
     * @param n the count, non-negative
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public Builder negativeClicks(int n) {
      checkArgument(n >= 0, "negativeClicks must be >= 0, got %s", n);
      negativeClicks = n;
      return this;
    }

    /** @return this builder, where every sample gets a box ({@code boxProbability(1)}) */
    public Builder box() {
      return boxProbability(1);
    }

    /**
     * The chance, per sample, of a box instead of clicks; 0 (clicks only) to 1 (boxes only).
     *
     * @param p the probability, in [0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    public Builder boxProbability(double p) {
      checkArgument(p >= 0 && p <= 1, "boxProbability must be in [0, 1], got %s", p);
      boxProbability = p;
      return this;
    }

    /**
     * Maximum shift in pixels of each box edge (uniform integer in [-j, +j]); 0 = the tight box.
     *
     * @param j the jitter in pixels, non-negative
     * @return this builder
     * @throws IllegalArgumentException if {@code j} is negative
     */
    public Builder boxJitter(int j) {
      checkArgument(j >= 0, "boxJitter must be >= 0, got %s", j);
      boxJitter = j;
      return this;
    }

    /**
     * Whether a sample that gets a box also gets the clicks.
     *
     * @param v true to add the clicks to a box
     * @return this builder
     */
    public Builder clicksWithBox(boolean v) {
      clicksWithBox = v;
      return this;
    }

    /**
     * Checks the settings and builds the simulator.
     *
     * @return the simulator
     * @throws IllegalArgumentException if clicks are used but both click counts are 0
     */
    public PromptSimulator build() {
      checkArgument(boxProbability == 1 || positiveClicks + negativeClicks > 0,
          "clicks are used (boxProbability %s < 1) but positiveClicks and negativeClicks are both 0",
          boxProbability);
      return new PromptSimulator(this);
    }
  }
}
