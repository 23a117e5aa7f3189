package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.DirPreset;
import dev.poco.contract.FsListing;
import dev.poco.contract.Intents;
import dev.poco.contract.Project;
import dev.poco.contract.View;
import dev.poco.contract.Workspace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Manage and the folder browser page within platform limits, every item reachable")
class ViewsPagingTest {
  static final String LONG = "x".repeat(40);

  static Project project(int i, int nameChars, List<DirPreset> presets, List<String> recent) {
    String id = "p" + i;
    String base = String.format("%05d-", i);
    String name = base + "n*_[".repeat(nameChars).substring(0, Math.max(0, nameChars - base.length()));
    return new Project(id, name, "slack", "u", 0, 0, null,
        new Workspace(id, "/srv/" + LONG + "/" + LONG + "/" + i, "manual", "codex", null), null, null, presets, recent);
  }

  static List<Project> projects(int n, int nameChars) {
    List<Project> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(project(i, nameChars, null, null));
    return out;
  }

  /** Follows Next › from page 1 to the end, checking each page; returns the project ids the pages open. */
  static Set<String> walkManage(List<Project> all) {
    Set<String> seen = new HashSet<>();
    View v = ViewLimits.check(Views.manage(all, 1));
    int guard = 0;
    while (true) {
      for (View.Action a : v.actions()) {
        if (a.intentKey().equals(Intents.PROJECT_OPEN)) seen.add(a.value().getString("project_id"));
      }
      View.Action next = find(v, "Next ›");
      if (next == null) break;
      assertThat(next.intentKey()).isEqualTo(Intents.PROJECT_MANAGE);
      int page = next.value().getInteger("page");
      assertThat(page).isEqualTo(v.page() + 1);
      v = ViewLimits.check(Views.manage(all, page));
      assertThat(find(v, "‹ Prev").value().getInteger("page")).isEqualTo(page - 1);
      assertThat(++guard).isLessThan(1_000);
    }
    assertThat(v.page()).isEqualTo(v.pages());
    return seen;
  }

  static View.Action find(View v, String label) {
    return v.actions().stream().filter(a -> a.label().equals(label)).findFirst().orElse(null);
  }

  @Test
  @DisplayName("Manage with 0, 1, 30 and 300 projects of 64-character names: every page in limits, every project reachable")
  void manage() {
    for (int n : new int[] {0, 1, 10, 11, 30, 300}) {
      List<Project> all = projects(n, 64);
      Set<String> seen = walkManage(all);
      assertThat(seen).hasSize(n);
      assertThat(Views.manage(all, 1).pages()).isEqualTo(Math.max(1, (n + 9) / 10));
    }
    // out-of-range pages show the nearest one
    assertThat(Views.manage(projects(30, 10), 99).page()).isEqualTo(3);
    assertThat(Views.manage(projects(30, 10), -1).page()).isEqualTo(1);
  }

  static FsListing listing(String path, int folders, int nameChars) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < folders; i++) {
      String base = String.format("d%05d", i);
      names.add(base + "f`*".repeat(nameChars).substring(0, Math.max(0, nameChars - base.length())));
    }
    return new FsListing(path, "/srv", names, false, List.of("/srv"));
  }

  static Set<String> walkFolders(Project p, FsListing l) {
    Set<String> seen = new HashSet<>();
    View v = ViewLimits.check(Views.workdir(p, l, "r1", "note", 1, Views.Typed.NONE));
    int guard = 0;
    while (true) {
      for (View.Action a : v.actions()) {
        String path = a.value().getString("path");
        if (a.intentKey().equals(Intents.WORKDIR_OPEN) && path.startsWith(l.path() + "/")
            && a.value().getValue("page") == null) {
          seen.add(path.substring(l.path().length() + 1));
        }
      }
      View.Action next = find(v, "Next ›");
      if (next == null) break;
      assertThat(next.intentKey()).isEqualTo(Intents.WORKDIR_OPEN);
      assertThat(next.value().getString("path")).isEqualTo(l.path());
      v = ViewLimits.check(Views.workdir(p, l, "r1", "note", next.value().getInteger("page"), Views.Typed.NONE));
      assertThat(++guard).isLessThan(1_000);
    }
    return seen;
  }

  @Test
  @DisplayName("a folder with 0, 200 and 2,000 subfolders (long names), many presets and recents: in limits, all reachable")
  void folders() {
    List<DirPreset> presets = new ArrayList<>();
    for (int i = 0; i < 40; i++) presets.add(new DirPreset("p1", "preset " + i + " " + LONG, "/srv/" + LONG + "/" + i));
    List<String> recent = new ArrayList<>();
    for (int i = 0; i < 10; i++) recent.add("/srv/" + LONG + "/recent/" + i);
    for (Project p : List.of(project(1, 64, null, null), project(1, 64, presets, recent))) {
      for (int n : new int[] {0, 1, 10, 11, 200, 2_000}) {
        for (int nameChars : new int[] {8, 255}) {
          FsListing l = listing("/srv/" + LONG, n, nameChars);
          Set<String> seen = walkFolders(p, l);
          assertThat(seen).containsExactlyInAnyOrderElementsOf(l.folders());
        }
      }
    }
    // the whole preset list is still there: buttons first, the rest named in the text
    View v = Views.workdir(project(1, 64, presets, recent), listing("/srv", 200, 8), "r1", null, 1, Views.Typed.NONE);
    assertThat(v.body()).contains("more presets");
    assertThat(Views.workdir(project(1, 64, presets, recent), null, null, null)).satisfies(ViewLimits::check);
  }

  @Property(tries = 60)
  @net.jqwik.api.Label("any number of projects or folders, any page asked for: the view keeps the limits")
  void anyPage(@ForAll @IntRange(min = 0, max = 400) int projects, @ForAll @IntRange(min = 0, max = 3_000) int folders,
      @ForAll @IntRange(min = -2, max = 400) int page, @ForAll @IntRange(min = 1, max = 255) int nameChars) {
    ViewLimits.check(Views.manage(projects(projects, Math.min(64, nameChars)), page));
    ViewLimits.check(Views.workdir(project(1, 64, null, null), listing("/srv/x", folders, nameChars), "r1", null, page,
        Views.Typed.NONE));
  }
}
