package io.github.medsa.cli;

import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.CheckpointInfo;
import io.github.medsa.internal.model.SamParameters;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code medsa info}: what a checkpoint holds, from its index only (no tensor data is read). */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "List a checkpoint's tensors (name, shape, dtype), parameter counts, format, whether it uses "
        + "Hugging Face names, and the matching preset (vit_b, vit_l, vit_h or custom), without loading weights.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:unexpected failure", "2:missing or unreadable checkpoint"})
final class InfoCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CHECKPOINT", description = ".pth or .safetensors file.")
  Path checkpoint;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  @Option(names = "--tensors", negatable = true, defaultValue = "true",
      description = "List every tensor (default: ${DEFAULT-VALUE}; --no-tensors for the summary only).")
  boolean tensors;

  @Override
  public Integer call() throws IOException {
    ModelOptions.requireFile(checkpoint, "checkpoint");
    CheckpointInfo info = CheckpointInfo.inspect(checkpoint);
    Map<String, Object> summary = summary(info);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonFiles.toJson(summary));
      return 0;
    }
    if (tensors) {
      for (Map.Entry<String, long[]> e : info.shapes().entrySet()) {
        out.printf("%-70s %-22s %s%n", e.getKey(), Arrays.toString(e.getValue()), info.dtypes().get(e.getKey()));
      }
      out.println();
    }
    out.printf(Locale.ROOT, "file:        %s%n", checkpoint);
    out.printf(Locale.ROOT, "format:      %s%n", info.format());
    out.printf(Locale.ROOT, "names:       %s%n", info.huggingFaceNames() ? "Hugging Face (translated to SAM's)" : "SAM");
    out.printf(Locale.ROOT, "tensors:     %,d%n", info.tensorCount());
    out.printf(Locale.ROOT, "parameters:  %,d (adapters %,d)%n", info.elementCount(), summary.get("adapterParameters"));
    out.printf(Locale.ROOT, "dtypes:      %s%n", summary.get("dtypes"));
    out.printf(Locale.ROOT, "preset:      %s%n", summary.get("preset"));
    return 0;
  }

  static Map<String, Object> summary(CheckpointInfo info) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", info.file().toString());
    m.put("format", info.format().name());
    m.put("huggingFaceNames", info.huggingFaceNames());
    m.put("tensors", info.tensorCount());
    m.put("parameters", info.elementCount());
    long adapters = 0;
    Map<String, Long> byDtype = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : info.shapes().entrySet()) {
      long n = SamParameters.elements(e.getValue());
      adapters += Adapters.isAdapter(e.getKey()) ? n : 0;
      byDtype.merge(String.valueOf(info.dtypes().get(e.getKey())), 1L, Long::sum);
    }
    m.put("adapterParameters", adapters);
    m.put("dtypes", byDtype);
    m.put("preset", ModelOptions.preset(info.file()).map(s -> s.toLowerCase(Locale.ROOT)).orElse("custom"));
    List<Map<String, Object>> list = new ArrayList<>();
    info.shapes().forEach((name, shape) -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("name", name);
      t.put("shape", shape);
      t.put("dtype", String.valueOf(info.dtypes().get(name)));
      list.add(t);
    });
    m.put("tensorList", list);
    return m;
  }
}
