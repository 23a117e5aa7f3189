package dev.poco.launcher;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's other members as this node last saw them, one {@code host:port} a line in
 * {@code $POCO_HOME/cluster-members}. A restarted node joins through them: the first node of a cluster has no
 * seed members, yet the runners it had, on this machine or others, are still up and must get it back.
 * Only addresses of real members are kept, never a port range to scan: Hazelcast that connects to a port where
 * something else listens (the event bus, the HTTP edge) spins an I/O thread at 100% CPU (hazelcast#26473).
 */
final class KnownMembers implements InitialMembershipListener {
  private static final Logger log = LoggerFactory.getLogger(KnownMembers.class);
  static final String FILE = "cluster-members";

  private final Path file;

  KnownMembers(Path home) { this.file = home.resolve(FILE); }

  /** What was written last; empty when there is no file or it cannot be read (a warning says which). */
  List<String> read() {
    if (!Files.isRegularFile(file)) return List.of();
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).distinct().toList();
    } catch (IOException e) {
      log.warn("cannot read the cluster's last members from {}: {}", file, e.toString());
      return List.of();
    }
  }

  @Override public void init(InitialMembershipEvent event) { write(event.getMembers()); }

  @Override public void memberAdded(MembershipEvent event) { write(event.getMembers()); }

  @Override public void memberRemoved(MembershipEvent event) { write(event.getMembers()); }

  /** Replaces the file at once (temp file, then an atomic move), so a kill -9 never leaves half a list. */
  private void write(Set<Member> members) {
    String lines = members.stream().filter(m -> !m.localMember())
        .map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort()).sorted()
        .collect(Collectors.joining("\n", "# this node's peers when the cluster last changed\n", "\n"));
    try {
      Path tmp = file.resolveSibling(FILE + ".tmp");
      Files.writeString(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot record the cluster's members in {}: {}", file, e.toString());
    }
  }
}
