#!/usr/bin/env bash
# Prints PoCo's figures: task latency and throughput through the HTTP edge, the bare event-bus
# round trip beside them, (with the fat jar built) start-up time and idle RSS of `poco start`, its
# memory through 100 tasks with 1 MiB prompts and 10 MiB outputs (MemoryBench), and
# the cluster figures, plain and trusted (TLS) side by side: join time, SIGKILL/SIGSTOP detection, RSS,
# event-bus round trip in one JVM versus across JVMs, stub-task throughput with 1, 2 and 3 runner JVMs, and
# the renders crossing the bus for 1,000 streaming tasks with and without render coalescing (RenderBench), 200 tasks streaming through the real Feishu gateway against the fake (FeishuStreamBench),
# and 50 tasks streaming through the real Slack gateway against the fake (SlackStreamBench).
#   bench/run.sh                 everything
#   bench/run.sh cluster [-D...] only the cluster bench (plain and TLS side by side), e.g. -Dbench.cluster.tasks.instant=1000
#                                -Dbench.cluster.tasks.wait=200 -Dbench.cluster.pings=5000 -Dbench.cluster.kills=2
#                                -Dbench.cluster.bus=tls
#   bench/run.sh memory [-D...]  only the memory bench, e.g. -Dbench.memory.tasks=20
#   bench/run.sh renders [-D...] only the render bench (1,000 streaming stub tasks, renders/s before and after
#                                coalescing, heap after), e.g. -Dbench.render.tasks=200
#   bench/run.sh feishu [-D...]  only the Feishu streaming bench (200 STREAM:50 tasks through the real gateway against
#                                the fake Feishu: per-card and app-wide write rates, writes per delta, last delta →
#                                final card, heap after), e.g. -Dbench.feishu.tasks=50
#   bench/run.sh slack [-D...]   only the Slack streaming bench (50 STREAM:50 tasks, a delta every 2 s, through the real
#                                gateway in Socket Mode against the fake Slack: chat.update per channel, appendStream per
#                                minute against Tier 4, calls by method per delta, 429s, full output per thread, last
#                                delta → final message, heap after), e.g. -Dbench.slack.tasks=200 -Dbench.slack.delta.ms=20
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
./poco --help >/dev/null  # makes the class-data archive for the fresh jar, as a user's first start does
cp=$(mvn -q -B -Dstyle.color=never -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout | sed "s/\x1b\[[0-9;]*m//g")
# The classpath holds two logback.xml (bench's and the launcher's): name bench's, and no status dump about it.
quiet_log=(-Dlogback.configurationFile=bench/target/classes/logback.xml
  -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener)
# The cluster bench's own JVM joins the cluster (JGroups and Infinispan need no --add-opens).
cluster_jvm=("${quiet_log[@]}" -Xmx256m -XX:+UseSerialGC)
if [[ "${1:-}" == cluster ]]; then
  shift
  exec java "${cluster_jvm[@]}" "$@" -cp "bench/target/classes:$cp" dev.poco.bench.ClusterBench
fi
if [[ "${1:-}" == memory ]]; then
  shift
  exec java "${quiet_log[@]}" "$@" -Xmx512m -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.MemoryBench launcher/target/poco.jar
fi
if [[ "${1:-}" == renders ]]; then
  shift
  exec java "${quiet_log[@]}" "$@" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.RenderBench
fi
if [[ "${1:-}" == feishu ]]; then
  shift
  exec java "${quiet_log[@]}" "$@" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.FeishuStreamBench
fi
if [[ "${1:-}" == slack ]]; then
  shift
  exec java "${quiet_log[@]}" "$@" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.SlackStreamBench
fi
java "${quiet_log[@]}" -Xmx512m -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.Bench "$@"
java "${quiet_log[@]}" -cp "bench/target/classes:$cp" dev.poco.bench.CodexOverheadBench
java "${quiet_log[@]}" -cp "bench/target/classes:$cp" dev.poco.bench.StartupBench launcher/target/poco.jar
java "${quiet_log[@]}" -Xmx512m -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.MemoryBench launcher/target/poco.jar
java "${cluster_jvm[@]}" -cp "bench/target/classes:$cp" dev.poco.bench.ClusterBench
java "${quiet_log[@]}" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.RenderBench
java "${quiet_log[@]}" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.FeishuStreamBench
java "${quiet_log[@]}" -Xmx1g -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.SlackStreamBench
