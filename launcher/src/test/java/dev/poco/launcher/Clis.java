package dev.poco.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the poco CLI in this JVM with an injected environment, stdin and captured output. */
final class Clis {
  record Result(int code, String out, String err) {
    String all() { return out + err; }
  }

  private Clis() {}

  static Result poco(Map<String, String> env, String stdin, String... args) {
    return pocoWith(FakeServerMain.class.getName(), env, stdin, args);
  }

  static Result pocoWith(String serverMain, Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli cli = new Cli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), null,
        serverMain);
    int code = Main.run(cli, args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
