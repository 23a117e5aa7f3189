package dev.poco.launcher;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a CLI command works with: the environment, the terminal, and which main class a background start runs.
 * Tests build one with their own environment and streams, and a stand-in server main.
 */
public record Cli(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Console console,
    String serverMain) {

  public static Cli system() {
    // UTF-8 whatever the locale: messages carry an em dash and users paste non-ASCII into prompts
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.setOut(out);
    System.setErr(err);
    return new Cli(System.getenv(), System.in, out, err, System.console(), Main.class.getName());
  }

  public PocoHome home() { return PocoHome.from(env); }
}
