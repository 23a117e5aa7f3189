package dev.poco.launcher;

import dev.poco.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest revocation list this node holds, and how it spreads: {@code poco cluster remove-node} writes a new
 * CA-signed list into {@code crl.pem} on the CA's machine; the node running there sees the file change and publishes
 * it on {@link Addresses#CLUSTER_CRL}; every node keeps a list only when the cluster's CA signed it and its number is
 * higher than the one it holds, saves it (a restart keeps it), and answers an older list with its own, so a node
 * that was away catches up when anyone publishes. Listeners (the guard, the self-check) hear each newer list.
 */
final class ClusterRevocations {
  private static final Logger log = LoggerFactory.getLogger(ClusterRevocations.class);
  static final long SCAN_MS = 1_000;

  private final ClusterCredentials own;
  private final Path file;
  private final AtomicReference<X509CRL> current;
  private final List<Consumer<X509CRL>> listeners = new CopyOnWriteArrayList<>();
  private volatile long fileStamp = -1;

  /** {@code file}: where the list is kept and watched; null keeps it in memory only (in-JVM test nodes). */
  ClusterRevocations(ClusterCredentials own, Path file) {
    this.own = own;
    this.file = file;
    this.current = new AtomicReference<>(own.crl() != null && valid(own, own.crl()) ? own.crl() : null);
  }

  X509CRL get() { return current.get(); }

  void onNewer(Consumer<X509CRL> listener) { listeners.add(listener); }

  /** Keeps {@code crl} when the CA signed it and it is newer; true when it was kept. */
  boolean offer(X509CRL crl, String from) {
    if (!valid(own, crl)) {
      log.warn("ignored a revocation list from {}: not signed by this cluster's CA", from);
      return false;
    }
    X509CRL before;
    do {
      before = current.get();
      if (before != null && number(crl).compareTo(number(before)) <= 0) return false;
    } while (!current.compareAndSet(before, crl));
    log.info("revocation list #{} from {}: revoked serials {}", number(crl), from, serials(crl));
    save(crl);
    listeners.forEach(l -> l.accept(crl));
    return true;
  }

  /** Listens on the bus, publishes what it holds, and watches the file (the CA's machine writes it). */
  Future<Void> start(Vertx vertx) {
    if (file != null) vertx.setPeriodic(SCAN_MS, id -> scan(vertx));
    return vertx.eventBus().<JsonObject>consumer(Addresses.CLUSTER_CRL, m -> {
      X509CRL crl;
      try {
        crl = ClusterCa.readCrl(m.body().getString("crl", ""));
      } catch (IllegalArgumentException e) {
        log.warn("ignored a malformed revocation list on the bus");
        return;
      }
      X509CRL mine = current.get();
      if (!offer(crl, "the cluster") && mine != null && valid(own, crl) && number(crl).compareTo(number(mine)) < 0) {
        publish(vertx, mine); // the sender is behind: give it ours
      }
    }).completion().onSuccess(v -> {
      X509CRL mine = current.get();
      if (mine != null) publish(vertx, mine);
    });
  }

  private void scan(Vertx vertx) {
    vertx.fileSystem().props(file.toString()).compose(props -> {
      if (props.lastModifiedTime() == fileStamp) return Future.succeededFuture();
      fileStamp = props.lastModifiedTime();
      return vertx.fileSystem().readFile(file.toString()).map(buf -> {
        X509CRL crl = ClusterCa.readCrl(buf.toString());
        if (offer(crl, file.toString())) publish(vertx, crl);
        return null;
      });
    }).onFailure(err -> log.debug("revocation list file {}: {}", file, err.toString()));
  }

  private static void publish(Vertx vertx, X509CRL crl) {
    vertx.eventBus().publish(Addresses.CLUSTER_CRL, new JsonObject().put("crl", ClusterCa.pem(crl)));
  }

  private void save(X509CRL crl) {
    if (file == null) return;
    try {
      String pem = ClusterCa.pem(crl);
      if (Files.isRegularFile(file) && Files.readString(file).equals(pem)) return;
      OwnerOnly.write(file, pem);
    } catch (Exception e) {
      log.warn("cannot save the revocation list to {}: {}", file, e.toString());
    }
  }

  static boolean valid(ClusterCredentials own, X509CRL crl) {
    try {
      crl.verify(own.ca().getPublicKey());
      return crl.getIssuerX500Principal().equals(own.ca().getSubjectX500Principal());
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static BigInteger number(X509CRL crl) {
    byte[] ext = crl.getExtensionValue("2.5.29.20"); // cRLNumber: OCTET STRING { INTEGER }
    if (ext == null || ext.length < 5) return BigInteger.ZERO;
    return new BigInteger(java.util.Arrays.copyOfRange(ext, 4, ext.length));
  }

  static Set<String> serials(X509CRL crl) {
    Set<String> out = new TreeSet<>();
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    if (entries != null) entries.forEach(e -> out.add(e.getSerialNumber().toString(16)));
    return out;
  }
}
