package dev.poco.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Asks the user for a line; secrets are read without echo on a terminal. Null means end of input. */
interface Prompter {
  String line(String prompt);

  String secret(String prompt);

  static Prompter of(Cli cli) {
    return cli.console() != null ? console(cli.console()) : stream(cli);
  }

  private static Prompter console(Console c) {
    return new Prompter() {
      @Override public String line(String prompt) { return c.readLine("%s", prompt); }

      @Override public String secret(String prompt) {
        char[] s = c.readPassword("%s", prompt);
        return s == null ? null : new String(s);
      }
    };
  }

  /** Piped input (scripts, tests): read lines; nothing typed is echoed back. */
  private static Prompter stream(Cli cli) {
    BufferedReader in = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8));
    PrintStream out = cli.out();
    return new Prompter() {
      @Override public String line(String prompt) {
        out.print(prompt);
        out.flush();
        try {
          String s = in.readLine();
          out.println();
          return s;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override public String secret(String prompt) { return line(prompt); }
    };
  }
}
