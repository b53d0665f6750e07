package io.github.medsa.spark;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.Backbone;
import io.github.medsa.MedSA;
import io.github.medsa.SamConfig;
import io.github.medsa.SamConfigJson;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.sdtrans.SdTrans;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * What model the executors build: the checkpoint's URI, its sizes (a {@link Backbone} name or a SAM config JSON),
 * the input size and the grafted modules. A value (equal specs share one model per executor JVM), serializable so
 * it travels with the tasks.
 *
 * @param checkpoint Hadoop URI of the weights ({@code .pth} or {@code .safetensors})
 * @param backbone a {@link Backbone} constant's name, or null when {@code configJson} is given
 * @param configJson SAM's config JSON (custom sizes), or null
 * @param imageSize encoder input side, or null for the checkpoint's own
 * @param adapters the modules grafted onto SAM
 * @param sdTransDepth slices per SD-Trans chunk when {@code adapters} is {@link ModelAdapters#SD_TRANS}, else 0
 */
record ModelSpec(String checkpoint, String backbone, String configJson, Integer imageSize, ModelAdapters adapters,
    int sdTransDepth) implements Serializable {
  private static final long serialVersionUID = 1L;

  ModelSpec {
    checkArgument(checkpoint != null && !checkpoint.isBlank(), "a checkpoint URI is required");
    checkArgument(backbone != null ^ configJson != null, "give exactly one of a backbone or a config JSON");
    checkArgument(imageSize == null || imageSize > 0, "imageSize must be positive, got %s", imageSize);
    checkArgument(adapters != null, "adapters must be given (ModelAdapters.NONE for plain SAM)");
    checkArgument(adapters == ModelAdapters.SD_TRANS ? sdTransDepth >= 1 : sdTransDepth == 0,
        "sdTransDepth is the SD-Trans chunk (>= 1) and only for ModelAdapters.SD_TRANS, got %s with %s", sdTransDepth,
        adapters);
  }

  /** The sizes: the backbone's or the JSON's. */
  SamConfig config() {
    return configJson != null ? SamConfigJson.parse(configJson) : Backbone.valueOf(backbone).config();
  }

  /** Builds the model from a local copy of the checkpoint. */
  MedSA build(Path localCheckpoint) throws IOException {
    MedSA.Builder b = MedSA.builder().config(config()).checkpoint(localCheckpoint).adapters(extension());
    if (imageSize != null) {
      b.imageSize(imageSize);
    }
    return b.build();
  }

  private ModelExtension extension() {
    return switch (adapters) {
      case NONE -> ModelExtension.NONE;
      case MEDSA -> Adapters.medsa();
      case SD_TRANS -> SdTrans.of(Adapters.medsa(), sdTransDepth);
    };
  }
}
