package dev.poco.agentrunner;

import static dev.poco.agentrunner.RunnerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.FsListing;
import dev.poco.contract.FsRequest;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RunnerFsTest {
  @TempDir Path root;
  @TempDir Path outside;

  @BeforeEach
  void tree() throws Exception {
    root = root.toRealPath();
    outside = outside.toRealPath();
    Files.createDirectories(root.resolve("b-proj/src"));
    Files.createDirectories(root.resolve("a-proj"));
    Files.createDirectories(root.resolve(".hidden"));
    Files.writeString(root.resolve("notes.txt"), "not a folder");
    Files.createSymbolicLink(root.resolve("escape"), outside);
  }

  private RunnerHarness runner(Vertx vertx) {
    return RunnerHarness.deploy(vertx, new JsonObject().put("POCO_WORKDIR_ROOTS", root + ",/no/such/root"));
  }

  @Test
  @DisplayName("listing a root shows its visible subfolders sorted, and no parent above the root")
  void listRoot(Vertx vertx) {
    FsListing l = FsListing.fromJson(runner(vertx).fs(FsRequest.LIST, root.toString()));
    assertThat(l.path()).isEqualTo(root.toString());
    assertThat(l.parent()).isNull();
    assertThat(l.folders()).containsExactly("a-proj", "b-proj", "escape");
    assertThat(l.truncated()).isFalse();
    assertThat(l.roots()).containsExactly(root.toString());
  }

  @Test
  @DisplayName("a null path lists the first root; a subfolder's parent is its folder inside the root")
  void defaultsAndParent(Vertx vertx) {
    RunnerHarness h = runner(vertx);
    assertThat(FsListing.fromJson(h.fs(FsRequest.LIST, null)).path()).isEqualTo(root.toString());
    FsListing sub = FsListing.fromJson(h.fs(FsRequest.LIST, root.resolve("b-proj/src/../").toString()));
    assertThat(sub.path()).isEqualTo(root.resolve("b-proj").toString());
    assertThat(sub.parent()).isEqualTo(root.toString());
    assertThat(sub.folders()).containsExactly("src");
  }

  @Test
  @DisplayName("resolve returns the real path without listing")
  void resolve(Vertx vertx) {
    FsListing l = FsListing.fromJson(runner(vertx).fs(FsRequest.RESOLVE, root.resolve("a-proj").toString()));
    assertThat(l.path()).isEqualTo(root.resolve("a-proj").toString());
    assertThat(l.folders()).isEmpty();
  }

  @Test
  @DisplayName("paths outside the roots, through symlinks, missing or relative are refused with 400")
  void refusals(Vertx vertx) {
    RunnerHarness h = runner(vertx);
    ReplyException etc = failure(() -> h.fs(FsRequest.LIST, "/etc"));
    assertThat(etc.failureCode()).isEqualTo(400);
    assertThat(etc.getMessage()).isEqualTo("/etc is outside the allowed roots: " + root);
    ReplyException link = failure(() -> h.fs(FsRequest.LIST, root.resolve("escape").toString()));
    assertThat(link.getMessage()).isEqualTo(root.resolve("escape") + " is outside the allowed roots: " + root);
    ReplyException missing = failure(() -> h.fs(FsRequest.LIST, root.resolve("gone").toString()));
    assertThat(missing.failureCode()).isEqualTo(400);
    assertThat(missing.getMessage()).contains("does not exist");
    assertThat(failure(() -> h.fs(FsRequest.LIST, "/no/such/place")).getMessage())
        .contains("outside the allowed roots");
    assertThat(failure(() -> h.fs(FsRequest.LIST, "a-proj")).getMessage()).contains("relative paths are not allowed");
    assertThat(failure(() -> h.fs(FsRequest.LIST, root.resolve("notes.txt").toString())).getMessage())
        .contains("not a directory");
  }

  @Test
  @DisplayName("outside the roots through a symlink: the same answer whether the place outside exists or not")
  void outsideTellsNothing(Vertx vertx) throws Exception {
    Files.createDirectories(outside.resolve("there"));
    Files.createSymbolicLink(root.resolve("to-there"), outside.resolve("there"));
    Files.createSymbolicLink(root.resolve("to-nowhere"), outside.resolve("nowhere"));
    RunnerHarness h = runner(vertx);
    for (String op : new String[] {FsRequest.LIST, FsRequest.RESOLVE}) {
      String existing = failure(() -> h.fs(op, root.resolve("to-there").toString())).getMessage();
      String missing = failure(() -> h.fs(op, root.resolve("to-nowhere").toString())).getMessage();
      String existingBelow = failure(() -> h.fs(op, root.resolve("escape/there").toString())).getMessage();
      String missingBelow = failure(() -> h.fs(op, root.resolve("escape/nowhere").toString())).getMessage();
      assertThat(existing.replace("to-there", "X")).isEqualTo(missing.replace("to-nowhere", "X"))
          .isEqualTo(root.resolve("X") + " is outside the allowed roots: " + root);
      assertThat(existingBelow.replace("there", "X")).isEqualTo(missingBelow.replace("nowhere", "X"))
          .doesNotContain(outside.toString());
    }
  }

  @Test
  @DisplayName("at most 200 folders are listed, with truncated set")
  void truncated(Vertx vertx) throws Exception {
    Path many = Files.createDirectory(root.resolve("many"));
    for (int i = 0; i < 205; i++) Files.createDirectory(many.resolve(String.format("d%03d", i)));
    FsListing l = FsListing.fromJson(runner(vertx).fs(FsRequest.LIST, many.toString()));
    assertThat(l.folders()).hasSize(200).startsWith("d000").endsWith("d199");
    assertThat(l.truncated()).isTrue();
  }

  @Test
  @DisplayName("~ expands to the user's home")
  void home(Vertx vertx) throws Exception {
    Path home = Path.of(System.getProperty("user.home")).toRealPath();
    RunnerHarness h = RunnerHarness.deploy(vertx, new JsonObject().put("POCO_WORKDIR_ROOTS", "~"));
    assertThat(FsListing.fromJson(h.fs(FsRequest.RESOLVE, "~")).path()).isEqualTo(home.toString());
    assertThat(FsListing.fromJson(h.fs(FsRequest.RESOLVE, null)).roots()).containsExactly(home.toString());
  }
}
