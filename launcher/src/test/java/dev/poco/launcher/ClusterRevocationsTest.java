package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A node keeps the newest CA-signed revocation list, from its file or the bus, and spreads it")
class ClusterRevocationsTest {
  static final Instant NOW = Instant.now();
  static final ClusterCa.KeyAndCert CA = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  static final ClusterCa.KeyAndCert FOREIGN = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close().await(); }

  static X509CRL crl(ClusterCa.KeyAndCert ca, long number, BigInteger... serials) {
    Map<BigInteger, Instant> revoked = new java.util.HashMap<>();
    for (BigInteger s : serials) revoked.put(s, NOW);
    return ClusterCa.crl(ca, revoked, number, NOW, Duration.ofDays(1));
  }

  @Test
  @DisplayName("the file on the CA's machine changes: the list is kept, saved and published; older and foreign ones are not")
  void fileThenBus() throws Exception {
    ClusterCa.KeyAndCert node = ClusterCa.issue(CA, "c1", "a", Set.of("store"), NOW, Duration.ofDays(30));
    Path file = dir.resolve("crl.pem");
    ClusterRevocations revocations = new ClusterRevocations(
        new ClusterCredentials(CA.cert(), node.cert(), node.key(), crl(CA, 1)), file);
    BlockingQueue<X509CRL> heard = new LinkedBlockingQueue<>();
    revocations.onNewer(heard::add);
    BlockingQueue<String> published = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.CLUSTER_CRL, m -> published.add(m.body().getString("crl")))
        .completion().await();
    revocations.start(vertx).await();
    assertThat(ClusterRevocations.number(ClusterCa.readCrl(published.poll(5, TimeUnit.SECONDS)))).isEqualTo(1);

    BigInteger serial = new BigInteger("3b3e", 16);
    Files.writeString(file, ClusterCa.pem(crl(CA, 2, serial)));
    X509CRL two = heard.poll(10, TimeUnit.SECONDS);
    assertThat(ClusterRevocations.number(two)).isEqualTo(2);
    assertThat(ClusterRevocations.serials(two)).containsExactly("3b3e");
    assertThat(revocations.get()).isEqualTo(two);
    String spread = published.poll(5, TimeUnit.SECONDS);
    while (spread != null && ClusterRevocations.number(ClusterCa.readCrl(spread)).intValue() != 2) {
      spread = published.poll(5, TimeUnit.SECONDS);
    }
    assertThat(spread).isNotNull();

    assertThat(revocations.offer(crl(CA, 2), "test")).isFalse();
    assertThat(revocations.offer(crl(FOREIGN, 9), "test")).isFalse();
    vertx.eventBus().publish(Addresses.CLUSTER_CRL, new JsonObject().put("crl", ClusterCa.pem(crl(CA, 3, serial,
        BigInteger.TEN))));
    X509CRL three = heard.poll(5, TimeUnit.SECONDS);
    assertThat(ClusterRevocations.number(three)).isEqualTo(3);
    assertThat(Files.readString(file)).isEqualTo(ClusterCa.pem(three));
    assertThat(heard).isEmpty();
  }
}
