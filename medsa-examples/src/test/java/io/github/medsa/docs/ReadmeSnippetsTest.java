package io.github.medsa.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the README compiles against the current API (they need the official SAM weights to run,
 * which this machine cannot download; the notebooks, executed in CI, run the same calls on bundled data).
 */
class ReadmeSnippetsTest {
  private static final String IMPORTS = String.join("\n",
      "import io.github.medsa.*;", "import io.github.medsa.adapters.*;", "import io.github.medsa.checkpoint.*;",
      "import io.github.medsa.image.*;", "import io.github.medsa.metrics.*;", "import io.github.medsa.sdtrans.*;",
      "import io.github.medsa.training.*;", "import io.github.medsa.training.data.*;",
      "import io.github.medsa.volume.*;", "import io.github.medsa.volume.dicom.*;",
      "import io.github.medsa.volume.nifti.*;", "import java.io.File;", "import java.nio.file.Path;",
      "import java.util.List;", "import javax.imageio.ImageIO;", "import org.nd4j.linalg.api.ndarray.INDArray;",
      "import io.github.medsa.spark.*;", "import org.apache.spark.sql.Dataset;", "import org.apache.spark.sql.Row;",
      "import org.apache.spark.sql.SparkSession;");

  @TempDir
  Path out;

  @Test
  void everyJavaSnippetCompiles() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize());
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    List<JavaFileObject> sources = new ArrayList<>();
    while (m.find()) {
      String name = "Snippet" + sources.size();
      String code = IMPORTS + "\nclass " + name + " {\n  static void run() throws Exception {\n" + m.group(1)
          + "\n  }\n}\n";
      sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return code;
        }
      });
    }
    assertThat(sources).hasSizeGreaterThanOrEqualTo(4);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean ok = javac.getTask(diagnostics, null, null, List.of("-classpath", System.getProperty("java.class.path"),
        "-d", out.toString(), "-proc:none"), null, sources).call();
    assertThat(ok).as("README snippets compile:%n%s", diagnostics).isTrue();
  }
}
