package io.github.medsa.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed notebooks are well-formed for our kernel, and their code compiles cell after cell against the
 * current API (without running: CI's scripts/run-notebooks.sh executes them for real).
 */
class NotebooksTest {
  private static final Path DIR = Path.of("notebooks");

  static List<Path> notebooks() throws Exception {
    try (Stream<Path> s = Files.list(DIR)) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
      assertThat(all).hasSizeGreaterThanOrEqualTo(3);
      return all;
    }
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void isAnNbformat45NotebookForTheMedSAKernelWithClearedOutputs(Path file) throws Exception {
    JsonObject nb = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    assertThat(nb.get("nbformat").getAsInt()).isEqualTo(4);
    assertThat(nb.get("nbformat_minor").getAsInt()).isGreaterThanOrEqualTo(5);
    JsonObject spec = nb.getAsJsonObject("metadata").getAsJsonObject("kernelspec");
    assertThat(spec.get("name").getAsString()).isEqualTo("medsa-java");
    assertThat(spec.get("language").getAsString()).isEqualTo("java");
    Set<String> ids = new HashSet<>();
    boolean markdown = false;
    for (JsonElement e : nb.getAsJsonArray("cells")) {
      JsonObject cell = e.getAsJsonObject();
      assertThat(ids.add(cell.get("id").getAsString())).as("unique cell id %s", cell.get("id")).isTrue();
      markdown |= cell.get("cell_type").getAsString().equals("markdown");
      if (cell.get("cell_type").getAsString().equals("code")) {
        assertThat(cell.getAsJsonArray("outputs")).as("committed without outputs: %s", cell.get("id")).isEmpty();
        assertThat(cell.get("execution_count").isJsonNull()).isTrue();
      }
    }
    assertThat(markdown).as("explains itself in markdown").isTrue();
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void codeCellsCompileInOrder(Path file) throws Exception {
    JsonArray cells = JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonArray("cells");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    try (JShell shell = JShell.builder().executionEngine(new CompileOnly(), Map.of()).build()) {
      for (String entry : cp.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          shell.addToClasspath(entry);
        }
      }
      for (JsonElement e : cells) {
        JsonObject cell = e.getAsJsonObject();
        if (cell.get("cell_type").getAsString().equals("code")) {
          StringBuilder src = new StringBuilder();
          cell.getAsJsonArray("source").forEach(line -> src.append(line.getAsString()));
          try {
            MedSAKernel.eval(shell, src.toString());
          } catch (MedSAKernel.CellException ex) {
            throw new AssertionError(file.getFileName() + " cell " + cell.get("id") + ": " + ex.getMessage(), ex);
          }
        }
      }
    }
  }

  /** JShell's local engine with every snippet's body skipped: compilation and class loading only. */
  static final class CompileOnly implements ExecutionControlProvider {
    @Override
    public String name() {
      return "compileOnly";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return new LocalExecutionControl() {
        @Override
        protected String invoke(Method doitMethod) {
          return "";
        }

        @Override
        public String varValue(String className, String varName) {
          return "";
        }
      };
    }
  }
}
