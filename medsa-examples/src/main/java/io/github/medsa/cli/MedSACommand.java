package io.github.medsa.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code medsa}: the command line of MedSA-J. */
@Command(name = "medsa", mixinStandardHelpOptions = true, versionProvider = MedSACommand.Version.class,
    description = "Medical SAM Adapter on the JVM: segment images with Segment Anything.",
    subcommands = {io.github.medsa.examples.demo.DemoCommand.class, SegmentCommand.class, TrainCommand.class,
        EvaluateCommand.class, InfoCommand.class, BatchCommand.class,
        CommandLine.HelpCommand.class})
public final class MedSACommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit code for bad input (missing files, malformed prompts), as distinct from a failure while running. */
  public static final int EXIT_USAGE = 2;

  /** Exit code for a failure that is not the user's input (a full disk, an internal error). */
  public static final int EXIT_FAILURE = 1;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    System.setProperty("java.awt.headless", "true");
    return new CommandLine(new MedSACommand())
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          int code = exitCode(ex);
          cmd.getErr().println(message(ex));
          return code;
        })
        .execute(args);
  }

  /** 2 for what the user gave ({@link UserInputException}), 1 for everything else. */
  static int exitCode(Exception ex) {
    return ex instanceof UserInputException ? EXIT_USAGE : EXIT_FAILURE;
  }

  /** The user's mistake as its message; any other failure with its type and the chain of causes. */
  static String message(Exception ex) {
    if (ex instanceof UserInputException) {
      return "medsa: " + ex.getMessage();
    }
    StringBuilder m = new StringBuilder("medsa: failed: ").append(ex);
    for (Throwable c = ex.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      m.append("\n  caused by: ").append(c);
    }
    return m.toString();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MedSACommand.class.getPackage().getImplementationVersion();
      return new String[] {"medsa " + (v == null ? "(development build)" : v)};
    }
  }
}
