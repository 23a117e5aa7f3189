/**
 * What the Feishu and Slack gateways and the testkit's recording gateway share, none of it a platform fact:
 * {@link dev.poco.gatewaykit.CardPacer} (per-card pacing with an app-wide budget, one writer per card),
 * {@link dev.poco.gatewaykit.CardVersions} (stale renders, repeated posts patch), {@link dev.poco.gatewaykit.LateReply}
 * (the 3-second rule), {@link dev.poco.gatewaykit.RecentIds} (a per-instance fast path against redeliveries),
 * {@link dev.poco.gatewaykit.Markdown} and {@link dev.poco.gatewaykit.PlatformLimits}. A library: it runs no verticle
 * and depends only on the contract and Vert.x core (see /work/shared/GATEWAYS.md).
 */
package dev.poco.gatewaykit;
