package io.github.medsa.training;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.medsa.checkpoint.CheckpointFormatException;
import io.github.medsa.checkpoint.Safetensors;
import io.github.medsa.checkpoint.StateDict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training run on disk: {@code trained.safetensors} (the trained tensors, official names, loadable with the
 * base checkpoint), {@code optimizer.safetensors} ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}) and
 * {@code training.json} (position, Adam step counts, loss history, the settings that must match on resume).
 */
final class TrainingCheckpoint {
  static final String TENSORS = "trained.safetensors";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "training.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private TrainingCheckpoint() {}

  static void save(Path dir, Trainer t) throws IOException {
    Files.createDirectories(dir);
    Safetensors.write(dir.resolve(TENSORS), t.trainedTensors());
    Map<String, INDArray> moments = new LinkedHashMap<>();
    JsonObject steps = new JsonObject();
    t.optimizer().state().forEach((n, s) -> {
      moments.put("exp_avg." + n, s.expAvg());
      moments.put("exp_avg_sq." + n, s.expAvgSq());
      steps.addProperty(n, s.step());
    });
    Safetensors.write(dir.resolve(OPTIMIZER), StateDict.of(moments));
    JsonObject json = new JsonObject();
    json.addProperty("format", 1);
    json.addProperty("step", t.step());
    TrainingConfig c = t.config();
    json.addProperty("seed", c.seed());
    json.addProperty("trainable", c.trainable().name());
    json.addProperty("batchSize", c.batchSize());
    json.addProperty("epochs", c.epochs());
    json.addProperty("shuffle", c.shuffle());
    json.add("adamSteps", steps);
    json.add("losses", GSON.toJsonTree(t.losses()));
    Files.writeString(dir.resolve(STATE), GSON.toJson(json));
  }

  static void restore(Path dir, Trainer t) throws IOException {
    Path statePath = dir.resolve(STATE);
    if (!Files.isRegularFile(statePath)) {
      throw new CheckpointFormatException(dir + ": no " + STATE + " (not a training checkpoint)");
    }
    JsonObject json;
    try {
      json = JsonParser.parseString(Files.readString(statePath)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointFormatException(statePath + ": not valid JSON: " + e.getMessage(), e);
    }
    TrainingConfig c = t.config();
    requireSame(statePath, "seed", json.get("seed").getAsLong(), c.seed());
    requireSame(statePath, "trainable", json.get("trainable").getAsString(), c.trainable().name());
    requireSame(statePath, "batchSize", json.get("batchSize").getAsInt(), c.batchSize());
    requireSame(statePath, "shuffle", json.get("shuffle").getAsBoolean(), c.shuffle());

    StateDict tensors = Safetensors.read(dir.resolve(TENSORS));
    List<String> expected = t.graph().trainableNames();
    if (!tensors.names().equals(new java.util.LinkedHashSet<>(expected))
        && !(tensors.names().containsAll(expected) && expected.containsAll(tensors.names()))) {
      List<String> missing = new ArrayList<>(expected);
      missing.removeAll(tensors.names());
      List<String> extra = new ArrayList<>(tensors.names());
      extra.removeAll(expected);
      throw new CheckpointFormatException(dir.resolve(TENSORS) + ": trained tensors do not match this model: missing "
          + missing + ", unexpected " + extra);
    }
    for (String n : expected) {
      INDArray live = t.graph().tensor(n);
      INDArray saved = tensors.get(n);
      if (!Arrays.equals(live.shape(), saved.shape())) {
        throw new CheckpointFormatException(dir.resolve(TENSORS) + ": " + n + " has shape "
            + Arrays.toString(saved.shape()) + ", the model expects " + Arrays.toString(live.shape()));
      }
      live.assign(saved);
    }
    StateDict moments = Safetensors.read(dir.resolve(OPTIMIZER));
    Map<String, AdamOptimizer.State> state = new LinkedHashMap<>();
    JsonObject steps = json.getAsJsonObject("adamSteps");
    for (String n : steps.keySet()) {
      state.put(n, new AdamOptimizer.State(moments.get("exp_avg." + n), moments.get("exp_avg_sq." + n),
          steps.get(n).getAsLong()));
    }
    t.optimizer().restore(state);
    List<Double> losses = new ArrayList<>();
    json.getAsJsonArray("losses").forEach(e -> losses.add(e.getAsDouble()));
    t.restorePosition(json.get("step").getAsLong(), losses);
  }

  private static void requireSame(Path file, String field, Object saved, Object now) throws CheckpointFormatException {
    if (!saved.equals(now)) {
      throw new CheckpointFormatException(file + ": the run was saved with " + field + " = " + saved
          + " but resumes with " + field + " = " + now);
    }
  }
}
