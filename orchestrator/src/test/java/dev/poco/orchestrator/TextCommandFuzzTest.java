package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The chat text parser (Inbound.command / Inbound.argument, split as Inbound.accept splits a message) over any
 * text: it never throws or hangs, a command is one lower-case word, and the argument is what followed it.
 */
class TextCommandFuzzTest {
  static final String[] COMMANDS = {"/run", "/status", "/approve", "/reject", "/pair", "/stop", "/steer", "/help"};

  record Split(String command, String argument) {}

  /** As Inbound.accept reads a message's text. */
  static Split split(String raw) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      String text = raw.strip();
      String cmd = Inbound.command(text);
      return new Split(cmd, cmd == null ? text : Inbound.argument(text));
    }).get(5, TimeUnit.SECONDS);
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(60);
    Arbitrary<String> prefix = Arbitraries.of("", "/", "/ ", "/İ", "/İİ ", "/ß", "/RUN ", "/run", "/approve ",
        "/status\t", "/pair ", "/steer\u00A0", "/srv/api ", "//", "\u0000/", " /help", "/\uD83D\uDE00 ", "/\uD800");
    Arbitrary<String> huge = Combinators.combine(any.filter(s -> !s.isEmpty()), Arbitraries.integers().between(1_000,
        200_000)).as((s, n) -> s.repeat(Math.max(1, n / s.length())));
    return Arbitraries.frequencyOf(
        Tuple.of(6, Combinators.combine(prefix, any).as(String::concat)),
        Tuple.of(2, any),
        Tuple.of(1, Combinators.combine(prefix, huge).as(String::concat)));
  }

  @Property
  void anyTextSplitsIntoACommandWordAndItsArgument(@ForAll("texts") String raw) throws Exception {
    String text = raw.strip();
    Split s = split(raw);
    String arg = s.argument();
    assertThat(arg).isEqualTo(arg.strip());
    assertThat(text).endsWith(arg);
    if (s.command() == null) {
      assertThat(arg).isEqualTo(text);
      return;
    }
    String cmd = s.command();
    assertThat(cmd).startsWith("/").isEqualTo(cmd.toLowerCase(Locale.ROOT));
    assertThat(cmd.indexOf('/', 1)).as("a path is a prompt, not a command").isNegative();
    assertThat(cmd.chars().noneMatch(Character::isWhitespace)).isTrue();
    String word = text.substring(0, text.length() - arg.length()).strip();
    assertThat(word.toLowerCase(Locale.ROOT)).as("the command is the word typed before the argument").isEqualTo(cmd);
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('_', '-')
        .ofMinLength(1).ofMaxLength(40), Arbitraries.strings().all().ofMaxLength(20));
  }

  @Property
  void aCommandInAnyCaseNamesWhatFollowsIt(@ForAll("commandsInAnyCase") String command,
      @ForAll("whitespace") String gap, @ForAll("ids") String id) throws Exception {
    Split s = split(command + gap + id);
    assertThat(s.command()).isEqualTo(command.toLowerCase(Locale.ROOT));
    assertThat(s.argument()).isEqualTo(id.strip());
  }

  @Provide
  Arbitrary<String> commandsInAnyCase() {
    return Combinators.combine(Arbitraries.of(COMMANDS), Arbitraries.longs()).as((c, bits) -> {
      StringBuilder b = new StringBuilder(c);
      for (int i = 1; i < b.length(); i++) {
        if ((bits >> i & 1) == 1) b.setCharAt(i, Character.toUpperCase(b.charAt(i)));
      }
      return b.toString();
    });
  }

  @Provide
  Arbitrary<String> whitespace() {
    return Arbitraries.strings().withChars(' ', '\t', '\n', '\r', '\u000B', '\u2003', '\u3000').ofMinLength(1)
        .ofMaxLength(4);
  }

  // Found by the first property: lower-casing "/İ" gives three chars, and cutting the argument at the
  // command's lower-cased length threw StringIndexOutOfBoundsException (a 500 for any sender, before access).
  @Example
  void aCommandThatLengthensWhenLowerCasedKeepsItsArgument() throws Exception {
    assertThat(split("/İ")).isEqualTo(new Split("/i\u0307", ""));
    assertThat(split("/İİ hello")).isEqualTo(new Split("/i\u0307i\u0307", "hello"));
  }
}
