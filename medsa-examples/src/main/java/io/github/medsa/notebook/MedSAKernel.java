package io.github.medsa.notebook;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

/**
 * A Jupyter kernel for Java notebooks over MedSA-J: JShell with the {@code local} execution engine, so cells run in
 * this JVM and see its classpath (the project's jars), on jjava-jupyter's implementation of the Jupyter protocol.
 * The value of a cell's last expression becomes its text result; compile errors and exceptions become cell errors
 * with a short message (the diagnostic with its source line, or the exception and the frames of the cell's code).
 * Images are shown with {@link Show}. Started by Jupyter as {@code MedSAKernel <connection file>}.
 */
public final class MedSAKernel extends BaseKernel {
  private static final int MAX_FRAMES = 8;
  private static final java.util.Set<String> HIDDEN_TYPES = java.util.Set.of("PrintStream", "java.io.PrintStream",
      "PrintWriter", "java.io.PrintWriter", "void");
  private final JShell shell;

  MedSAKernel(JShell shell) {
    super("MedSA-J", "0.1", new LanguageInfo.Builder("java").version(Runtime.version().toString())
            .mimetype("text/x-java-source").fileExtension(".jshell").pygments("java").codemirror("java").build(),
        List.of(), null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null,
        new MagicsRegistry(), false, new StringStyler.Builder().build());
    this.shell = shell;
  }

  /** A JShell that runs snippets in this JVM and compiles against this JVM's classpath. */
  public static JShell newShell(String classPath) {
    JShell shell = JShell.builder().executionEngine("local").build();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        shell.addToClasspath(entry);
      }
    }
    return shell;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: MedSAKernel <connection file>");
      System.exit(2);
    }
    JupyterConnection connection = new JupyterConnection(
        KernelConnectionProperties.parse(Files.readString(Path.of(args[0]))));
    QuietLoggers.apply();
    MedSAKernel kernel = new MedSAKernel(newShell(System.getProperty("java.class.path")));
    kernel.onStartup();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
  }

  /** Evaluates a cell snippet by snippet; returns the text of the last expression's value, or null. */
  @Override
  public Object evalRaw(String source) {
    return eval(shell, source);
  }

  static String eval(JShell shell, String source) {
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String rest = source;
    String last = null;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
      if (info.completeness() == Completeness.EMPTY) {
        break;
      }
      if (!info.completeness().isComplete()) {
        throw new CellException("Incomplete code (a missing ';', ')' or '}'?):\n" + rest.strip());
      }
      last = null;
      for (SnippetEvent event : shell.eval(info.source())) {
        if (event.causeSnippet() != null) {
          continue;   // a dependent snippet updated by this one
        }
        if (event.status() == Snippet.Status.REJECTED) {
          throw new CellException(compileErrors(shell, event.snippet()));
        }
        if (event.exception() != null) {
          throw runtimeError(event.exception());
        }
        if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
            || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
          throw new CellException("'" + event.snippet().source().strip() + "' uses something not defined yet: "
              + shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) event.snippet())
                  .collect(Collectors.joining(", ")));
        }
        last = shownValue(event);
      }
      rest = info.remaining();
    }
    return last;
  }

  /**
   * Values of expressions ({@code 1 + 1}, {@code x}) are shown; declarations and statements are not, nor the
   * stream that {@code System.out.printf(...)} returns.
   */
  private static String shownValue(SnippetEvent event) {
    Snippet s = event.snippet();
    String type;
    if (s instanceof ExpressionSnippet e) {
      type = e.typeName();
    } else if (s instanceof VarSnippet v && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
      type = v.typeName();
    } else {
      return null;
    }
    return HIDDEN_TYPES.contains(type) ? null : event.value();
  }

  private static String compileErrors(JShell shell, Snippet snippet) {
    String src = snippet.source();
    List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
    if (diags.isEmpty()) {
      return "Rejected: " + src.strip();
    }
    StringBuilder sb = new StringBuilder("Compilation failed:");
    for (Diag d : diags) {
      int pos = (int) Math.max(0, Math.min(src.length(), d.getPosition()));
      int lineStart = src.lastIndexOf('\n', pos - 1) + 1;
      int lineEnd = src.indexOf('\n', pos);
      String line = src.substring(lineStart, lineEnd < 0 ? src.length() : lineEnd);
      sb.append("\n  ").append(d.getMessage(Locale.ROOT).replace("\n", "\n  "))
          .append("\n    ").append(line)
          .append("\n    ").append(" ".repeat(Math.max(0, pos - lineStart))).append('^');
    }
    return sb.toString();
  }

  private static CellException runtimeError(Exception e) {
    if (e instanceof UnresolvedReferenceException u) {
      return new CellException("'" + u.getSnippet().source().strip() + "' is not defined yet (run the cell declaring it)");
    }
    String type = e instanceof EvalException ev ? ev.getExceptionClassName() : e.getClass().getName();
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    StringBuilder sb = new StringBuilder(type + message);
    int frames = 0;
    for (StackTraceElement f : e.getStackTrace()) {
      if (f.getClassName().startsWith("jdk.internal.") || f.getClassName().startsWith("java.lang.reflect.")) {
        continue;
      }
      boolean cell = f.getClassName().startsWith("REPL.");
      sb.append("\n    at ").append(cell ? "cell code (line " + f.getLineNumber() + ")" : f.toString());
      if (cell || ++frames >= MAX_FRAMES) {
        break;
      }
    }
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      String ct = c instanceof EvalException ev ? ev.getExceptionClassName() : c.getClass().getName();
      sb.append("\nCaused by: ").append(ct).append(c.getMessage() == null ? "" : ": " + c.getMessage());
    }
    return new CellException(sb.toString());
  }

  /** Only our short message: the kernel's default prints the whole Java stack of the kernel itself. */
  @Override
  public List<String> formatError(Throwable e) {
    String text = e instanceof CellException ? e.getMessage() : String.valueOf(e);
    return new ArrayList<>(List.of(text.split("\n")));
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    return null;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().collect(Collectors.toList());
    return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
  }

  @Override
  public String isComplete(String code) {
    Completeness c = shell.sourceCodeAnalysis().analyzeCompletion(code).completeness();
    if (c.isComplete() || c == Completeness.EMPTY) {
      return IS_COMPLETE_YES;
    }
    return c == Completeness.UNKNOWN ? IS_COMPLETE_BAD : IS_COMPLETE_MAYBE;
  }

  @Override
  public void interrupt() {
    shell.stop();
  }

  @Override
  public void onShutdown(boolean restart) {
    super.onShutdown(restart);
    shell.close();
  }

  /** A failed cell: the message is what the notebook shows. */
  public static final class CellException extends RuntimeException {
    public CellException(String message) {
      super(message, null, false, false);
    }
  }
}
