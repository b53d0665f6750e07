package io.github.medsa.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code medsa}: the command line of MedSA-J. */
@Command(name = "medsa", mixinStandardHelpOptions = true, versionProvider = MedSACommand.Version.class,
    description = "Medical SAM Adapter on the JVM: segment images with Segment Anything.",
    subcommands = {SegmentCommand.class, CommandLine.HelpCommand.class})
public final class MedSACommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Exit code for bad input (missing files, malformed prompts), as distinct from a failure while running. */
  static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    return new CommandLine(new MedSACommand())
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          cmd.getErr().println("medsa: " + ex.getMessage());
          return ex instanceof IllegalArgumentException || ex instanceof java.io.IOException ? EXIT_USAGE : 1;
        })
        .execute(args);
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
