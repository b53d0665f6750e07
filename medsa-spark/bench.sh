#!/usr/bin/env bash
# Cases per minute of the Spark batch job in local mode (see SparkBench):
#   medsa-spark/bench.sh vit_b 1 4 256    # backbone, local cores, timed cases, encoder input side
# Builds the reactor's test classes (tests skipped), then runs the bench on the test classpath with Spark's flags.
set -euo pipefail
cd "$(dirname "$0")/.."
# One build: the reactor's modules resolve to their target/classes (and medsa-core's test-classes).
mvn -B -q -ntp -o -pl medsa-spark -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/medsa-spark/target/bench.classpath" >/dev/null
opens=$(mvn -B -q -ntp -o -Dstyle.color=never help:evaluate -Dexpression=spark.javaModuleOptions -DforceStdout -N | sed "s/\x1b\[[0-9;]*m//g")
cp="medsa-spark/target/test-classes:medsa-spark/target/classes"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:--Xmx6g} $opens -cp "$cp:$(cat medsa-spark/target/bench.classpath)" \
  io.github.medsa.spark.SparkBench "$@"
