#!/usr/bin/env bash
# Builds medsa-bench and the modules it uses, then runs JMH on the module classpath (no shaded jar).
#   medsa-bench/run.sh                                   # every benchmark (about 20 minutes on 2 cores)
#   medsa-bench/run.sh EncoderBenchmark -p model=tiny-128  # any JMH arguments
#   MVN_FLAGS="-Pcuda" medsa-bench/run.sh                # the CUDA backend (GPU machine)
# Results: medsa-bench/target/jmh-result.json, peak RSS per trial: medsa-bench/target/peak-rss.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
# OpenMP threads that spin while waiting are ruinous when the cores are shared (the tiny encoder ran 5x slower
# at load 10, see docs/benchmarks.md); a passive wait costs little on an idle machine. Override by exporting it.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# shellcheck disable=SC2086
exec mvn -q ${MVN_FLAGS:-} -pl medsa-bench -am package -DskipTests -Pbench -Dbench.args="$*"
