package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentIdsTest {
  final AtomicLong clock = new AtomicLong(1_000);

  @Test
  void anIdIsFirstSeenOnceWithinItsTimeToLive() {
    RecentIds ids = new RecentIds(100, 5_000, clock::get);
    assertThat(ids.firstSeen("ev1")).isTrue();
    assertThat(ids.firstSeen("ev1")).isFalse();
    assertThat(ids.firstSeen("C1:1700000000.000100")).isTrue();
    clock.addAndGet(4_999);
    assertThat(ids.firstSeen("ev1")).isFalse(); // a repeat does not extend the time to live
    clock.addAndGet(1);
    assertThat(ids.contains("ev1")).isFalse();
    assertThat(ids.firstSeen("ev1")).isTrue();
  }

  @Test
  void theOldestIdIsForgottenBeyondTheBound() {
    RecentIds ids = new RecentIds(3, 60_000, clock::get);
    for (String id : new String[] {"a", "b", "c", "d"}) {
      assertThat(ids.firstSeen(id)).isTrue();
      clock.incrementAndGet();
    }
    assertThat(ids.size()).isEqualTo(3);
    assertThat(ids.contains("a")).isFalse();
    assertThat(ids.firstSeen("b")).isFalse();
    assertThat(ids.firstSeen("a")).isTrue();
  }

  @Test
  void expiredIdsLeaveTheCache() {
    RecentIds ids = new RecentIds(1_000, 100, clock::get);
    for (int i = 0; i < 500; i++) ids.firstSeen("id" + i);
    clock.addAndGet(100);
    assertThat(ids.size()).isZero();
  }
}
