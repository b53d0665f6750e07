package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which files are images, which are masks, and which mask belongs to which image, by file name.
 *
 * <ul>
 *   <li>{@link #sameName()} (the default): {@code images/a.png} pairs with {@code masks/a.png}; every file of the
 *       images folder is an image and every file of the masks folder a mask, so the folders must differ.</li>
 *   <li>{@link #byStem(String, String)}: {@code byStem("img_", "lab_")} pairs {@code img_z080.png} with
 *       {@code lab_z080.png} (the part after the prefix, extension included, must be equal); images and masks
 *       may then share one folder. The sample id is that part without its extension ({@code z080}).</li>
 *   <li>{@link #mapping(UnaryOperator)}: any function image name -&gt; mask name.</li>
 * </ul>
 */
public interface FilePairing {

  /**
   * The mask file name for {@code imageFileName}, or empty when that file is not an image of this pairing.
   *
   * @param imageFileName a file name (no directory)
   * @return the mask's file name, or empty
   */
  Optional<String> maskName(String imageFileName);

  /**
   * Whether {@code fileName} is a mask of this pairing.
   *
   * @param fileName a file name (no directory)
   * @return true if it is a mask
   */
  boolean isMask(String fileName);

  /**
   * The sample id of an image; by default its file name without the extension.
   *
   * @param imageFileName the image's file name
   * @return the sample id
   */
  default String sampleId(String imageFileName) {
    return stripExtension(imageFileName);
  }

  /** @return whether images and masks can be told apart by name, i.e. may live in one folder */
  default boolean allowsSharedFolder() {
    return false;
  }

  /** @return the pairing where image and mask carry the same file name, in two folders */
  static FilePairing sameName() {
    return mapping(UnaryOperator.identity());
  }

  /**
   * The mask of image {@code name} is {@code toMask.apply(name)}; every file of the masks folder is a mask.
   *
   * @param toMask image file name to mask file name
   * @return the pairing
   * @throws NullPointerException if {@code toMask} is null
   */
  static FilePairing mapping(UnaryOperator<String> toMask) {
    checkNotNull(toMask, "toMask");
    return new FilePairing() {
      @Override
      public Optional<String> maskName(String imageFileName) {
        return Optional.of(toMask.apply(imageFileName));
      }

      @Override
      public boolean isMask(String fileName) {
        return true;
      }

      @Override
      public String toString() {
        return "FilePairing.mapping";
      }
    };
  }

  /**
   * Images named {@code imagePrefix + stem}, masks {@code maskPrefix + stem}; both may share a folder. The
   * prefixes must differ and neither may start with the other (else a name could be both).
   *
   * @param imagePrefix the images' file name prefix
   * @param maskPrefix the masks' file name prefix
   * @return the pairing
   * @throws NullPointerException if a prefix is null
   * @throws IllegalArgumentException if one prefix starts with the other
   */
  static FilePairing byStem(String imagePrefix, String maskPrefix) {
    checkNotNull(imagePrefix, "imagePrefix");
    checkNotNull(maskPrefix, "maskPrefix");
    checkArgument(!imagePrefix.startsWith(maskPrefix) && !maskPrefix.startsWith(imagePrefix),
        "image prefix '%s' and mask prefix '%s' must not be prefixes of each other", imagePrefix, maskPrefix);
    return new FilePairing() {
      @Override
      public Optional<String> maskName(String imageFileName) {
        return imageFileName.startsWith(imagePrefix) && imageFileName.length() > imagePrefix.length()
            ? Optional.of(maskPrefix + imageFileName.substring(imagePrefix.length()))
            : Optional.empty();
      }

      @Override
      public boolean isMask(String fileName) {
        return fileName.startsWith(maskPrefix) && fileName.length() > maskPrefix.length();
      }

      @Override
      public String sampleId(String imageFileName) {
        return stripExtension(imageFileName.substring(imagePrefix.length()));
      }

      @Override
      public boolean allowsSharedFolder() {
        return true;
      }

      @Override
      public String toString() {
        return "FilePairing.byStem(images " + imagePrefix + "*, masks " + maskPrefix + "*)";
      }
    };
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
