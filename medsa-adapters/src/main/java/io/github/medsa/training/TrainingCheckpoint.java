package io.github.medsa.training;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
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
 * {@code training.json} (format 2: position, steps per epoch, Adam step counts, loss history, and every setting
 * that determines the run: seed, trainable, batchSize, epochs, shuffle, schedule, loss, adam, outSize, prompts,
 * extension). Resuming with a different setting is a {@link ResumeMismatchException} naming it; a missing or
 * malformed field is a {@link CheckpointFormatException} naming it.
 */
final class TrainingCheckpoint {
  static final String TENSORS = "trained.safetensors";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "training.json";
  static final int FORMAT = 2;
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
    json.addProperty("format", FORMAT);
    json.addProperty("step", t.step());
    json.addProperty("stepsPerEpoch", t.stepsPerEpoch());
    settings(t).forEach(json::addProperty);
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
      JsonElement root = JsonParser.parseString(Files.readString(statePath));
      if (!root.isJsonObject()) {
        throw new CheckpointFormatException(statePath + ": not a JSON object");
      }
      json = root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new CheckpointFormatException(statePath + ": not valid JSON: " + e.getMessage(), e);
    }
    long format = number(statePath, json, "format");
    if (format != FORMAT) {
      throw new CheckpointFormatException(statePath + ": format " + format + ", this version reads format " + FORMAT);
    }
    for (Map.Entry<String, String> e : settings(t).entrySet()) {
      String saved = string(statePath, json, e.getKey());
      if (!saved.equals(e.getValue())) {
        throw new ResumeMismatchException(e.getKey(), statePath + ": the run was saved with " + e.getKey() + " = "
            + saved + " but resumes with " + e.getKey() + " = " + e.getValue());
      }
    }
    long step = number(statePath, json, "step");
    long stepsPerEpoch = number(statePath, json, "stepsPerEpoch");

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
    JsonObject steps = object(statePath, json, "adamSteps");
    for (String n : steps.keySet()) {
      if (!moments.names().contains("exp_avg." + n) || !moments.names().contains("exp_avg_sq." + n)) {
        throw new CheckpointFormatException(dir.resolve(OPTIMIZER) + ": no Adam moments for " + n);
      }
      state.put(n, new AdamOptimizer.State(moments.get("exp_avg." + n), moments.get("exp_avg_sq." + n),
          number(statePath, steps, n)));
    }
    t.optimizer().restore(state);
    JsonElement lossArray = json.get("losses");
    if (lossArray == null || !lossArray.isJsonArray()) {
      throw new CheckpointFormatException(statePath + ": field 'losses' is " + (lossArray == null ? "missing"
          : "not a list of numbers"));
    }
    List<Double> losses = new ArrayList<>();
    for (JsonElement e : lossArray.getAsJsonArray()) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw new CheckpointFormatException(statePath + ": field 'losses' holds " + e + ", not a number");
      }
      losses.add(e.getAsDouble());
    }
    if (losses.size() != step) {
      throw new CheckpointFormatException(statePath + ": step " + step + " but " + losses.size() + " losses");
    }
    t.restorePosition(step, Math.toIntExact(stepsPerEpoch), losses);
  }

  /** Everything besides the data that determines the run, as it must match on resume. */
  private static Map<String, String> settings(Trainer t) {
    TrainingConfig c = t.config();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("seed", Long.toString(c.seed()));
    m.put("trainable", c.trainable().name());
    m.put("batchSize", Integer.toString(c.batchSize()));
    m.put("epochs", Integer.toString(c.epochs()));
    m.put("shuffle", Boolean.toString(c.shuffle()));
    m.put("schedule", c.schedule().toString());
    m.put("loss", c.loss().toString());
    m.put("adam", c.adam().toString());
    m.put("outSize", Integer.toString(t.outSize()));
    m.put("prompts", c.prompts().toString());
    m.put("extension", t.extension().toString());
    return m;
  }

  private static JsonElement field(Path file, JsonObject json, String name) throws CheckpointFormatException {
    JsonElement e = json.get(name);
    if (e == null || e.isJsonNull()) {
      throw new CheckpointFormatException(file + ": field '" + name + "' is missing");
    }
    return e;
  }

  private static String string(Path file, JsonObject json, String name) throws CheckpointFormatException {
    JsonElement e = field(file, json, name);
    if (!e.isJsonPrimitive()) {
      throw new CheckpointFormatException(file + ": field '" + name + "' is " + e + ", not a value");
    }
    return e.getAsString();
  }

  private static long number(Path file, JsonObject json, String name) throws CheckpointFormatException {
    JsonElement e = field(file, json, name);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new CheckpointFormatException(file + ": field '" + name + "' is " + e + ", not a number");
    }
    double v = e.getAsDouble();
    if (v != Math.rint(v) || v < 0) {
      throw new CheckpointFormatException(file + ": field '" + name + "' is " + e + ", not a count");
    }
    return e.getAsLong();
  }

  private static JsonObject object(Path file, JsonObject json, String name) throws CheckpointFormatException {
    JsonElement e = field(file, json, name);
    if (!e.isJsonObject()) {
      throw new CheckpointFormatException(file + ": field '" + name + "' is " + e + ", not an object");
    }
    return e.getAsJsonObject();
  }

}
