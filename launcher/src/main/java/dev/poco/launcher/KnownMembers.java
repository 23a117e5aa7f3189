package dev.poco.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's other members as this node last saw them, one {@code host:port} (their JGroups transport) a line
 * in {@code $POCO_HOME/cluster-members}. A restarted node joins through them: the first node of a cluster has no
 * seed members, yet the runners it had, on this machine or others, are still up and must get it back.
 * It also logs every view change and merge at INFO, so a split and its healing show in the node's log.
 */
@Listener(sync = false) // Infinispan's notification thread, never an event loop; the file write may block
public final class KnownMembers {
  private static final Logger log = LoggerFactory.getLogger(KnownMembers.class);
  static final String FILE = "cluster-members";

  private final Path file;
  /** A member's host:port, or null when its transport address is not known yet; set once the channel exists. */
  private volatile Function<Address, String> hostPort = a -> null;

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

  /** Records the first view, once joined, and names members by {@code hostPort} from then on. */
  void joined(Function<Address, String> hostPort, Address self, List<Address> members) {
    this.hostPort = hostPort;
    log.info("cluster view: {}", describe(members, self));
    write(members, self);
  }

  @ViewChanged
  public void viewChanged(ViewChangedEvent e) {
    List<Address> left = new ArrayList<>(e.getOldMembers());
    left.removeAll(e.getNewMembers());
    List<Address> added = new ArrayList<>(e.getNewMembers());
    added.removeAll(e.getOldMembers());
    log.info("cluster view {}: {}{}{}", e.getViewId(), describe(e.getNewMembers(), e.getLocalAddress()),
        added.isEmpty() ? "" : "; joined " + names(added), left.isEmpty() ? "" : "; left " + names(left));
    write(e.getNewMembers(), e.getLocalAddress());
  }

  /** Two parts of a split cluster (or two seeds started together) became one. */
  @Merged
  public void merged(MergeEvent e) {
    log.info("cluster merged {} parts {}: {}", e.getSubgroupsMerged().size(),
        e.getSubgroupsMerged().stream().map(this::names).toList(), describe(e.getNewMembers(), e.getLocalAddress()));
    write(e.getNewMembers(), e.getLocalAddress());
  }

  private String describe(List<Address> members, Address self) {
    return members.size() + (members.size() == 1 ? " node " : " nodes ")
        + members.stream().map(a -> a.equals(self) ? name(a) + " (this)" : name(a)).toList();
  }

  private String names(Collection<Address> members) {
    return members.stream().map(this::name).collect(Collectors.joining(", ", "[", "]"));
  }

  private String name(Address a) {
    String hp = hostPort.apply(a);
    return hp == null ? a.toString() : hp;
  }

  /** Replaces the file at once (temp file, then an atomic move), so a kill -9 never leaves half a list. */
  private void write(List<Address> members, Address self) {
    String lines = members.stream().filter(m -> !m.equals(self)).map(hostPort).filter(hp -> hp != null).sorted()
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
