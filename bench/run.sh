#!/usr/bin/env bash
# Prints PoCo's figures: task latency and throughput through the HTTP edge, the bare event-bus
# round trip beside them, and (with the fat jar built) start-up time and idle RSS of `poco start`.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests install
./poco --help >/dev/null  # makes the class-data archive for the fresh jar, as a user's first start does
cp=$(mvn -q -B -Dstyle.color=never -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout | sed "s/\x1b\[[0-9;]*m//g")
java -Xmx512m -XX:+UseSerialGC -cp "bench/target/classes:$cp" dev.poco.bench.Bench "$@"
java -cp "bench/target/classes:$cp" dev.poco.bench.CodexOverheadBench
java -cp "bench/target/classes:$cp" dev.poco.bench.StartupBench launcher/target/poco.jar
