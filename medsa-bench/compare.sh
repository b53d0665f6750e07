#!/usr/bin/env bash
# Side by side with the reference PyTorch code: for each workload, ../shared/peer/peer.py and MedSA-J's
# io.github.medsa.bench.Workload each in its own process under /usr/bin/time -v, then one table.
#   medsa-bench/compare.sh vitb_encoder_1024 vitb_click     # or: medsa-bench/compare.sh all
# PEER (default ../shared/peer/peer.py beside the worktree), JAVA_OPTS (default: per model, see below),
# OMP_WAIT_POLICY (default PASSIVE, as run.sh). Raw output: medsa-bench/target/compare/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PEER="${PEER:-$ROOT/../shared/peer/peer.py}"
# JVM options sized per model as a deployment would size them (JAVA_OPTS, when set, applies to every workload):
# ViT-B needs the JMH forks' large limits; TinyViT's weights and activations fit in far less, its Java heap only
# holds the graph, and a small heap with the serial collector keeps the JVM's own pages few (measured: peak RSS
# 1.29 GB with -Xmx8g, 1.01 GB with these).
VITB_JAVA_OPTS="-Xmx8g -Dorg.bytedeco.javacpp.maxbytes=10G -Dorg.bytedeco.javacpp.maxphysicalbytes=14G"
TINYVIT_JAVA_OPTS="-Xmx512m -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=4G"
java_opts() {
  if [ -n "${JAVA_OPTS:-}" ]; then echo "$JAVA_OPTS"
  else case "$1" in tinyvit_*) echo "$TINYVIT_JAVA_OPTS" ;; *) echo "$VITB_JAVA_OPTS" ;; esac
  fi
}
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
ALL="vitb_encoder_1024 vitb_click vitb_click16 medsa_vitb_train256 tinyvit_encoder_1024"
[ $# -ge 1 ] || { echo "usage: $0 WORKLOAD... | all   (workloads: $ALL)" >&2; exit 2; }
[ "$1" = all ] && set -- $ALL
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
# Debian's torch calls BLAS through libblas.so.3, which is the unoptimised reference BLAS (one thread, about
# 10x slower GEMM) unless an optimised one is installed: libopenblas0-pthread takes over that alternative.
if ! /usr/bin/python3 -c 'import torch, numpy, torchvision' 2>/dev/null \
    || ! readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | grep -q openblas; then
  sudo -n true 2>/dev/null && SUDO=sudo || SUDO=
  $SUDO apt-get install -y python3-torch python3-numpy python3-torchvision libopenblas0-pthread
fi

OUT="$ROOT/medsa-bench/target/compare"
mkdir -p "$OUT"
# One reactor build; each module writes the file in turn, medsa-bench last (sibling modules as their jars).
mvn -q -B -pl medsa-bench -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=runtime
CP="$ROOT/medsa-bench/target/classes:$(cat "$OUT/classpath.txt")"

# field NAME FILE: the value of /usr/bin/time -v's line "NAME: value".
field() { sed -n "s/^[[:space:]]*$1: //p" "$2" | tail -1; }
# json KEY FILE: a number from the JSON line.
json() { grep -o "\"$1\": [0-9.]*" "$2" | tail -1 | sed 's/.*: //'; }

rows=()
for w in "$@"; do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "# $w: pytorch (load $load)" >&2
  /usr/bin/time -v -o "$OUT/$w.pytorch.time" /usr/bin/python3 "$PEER" "$w" > "$OUT/$w.pytorch.json" \
    || echo "# $w: peer.py failed, see $OUT/$w.pytorch.time" >&2
  echo "# $w: medsa-j" >&2
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$OUT/$w.medsa.time" java $(java_opts "$w") -cp "$CP" io.github.medsa.bench.Workload "$w" \
    > "$OUT/$w.medsa.out" || echo "# $w: Workload failed, see $OUT/$w.medsa.out" >&2
  grep '^{' "$OUT/$w.medsa.out" > "$OUT/$w.medsa.json" || true
  cat "$OUT/$w.pytorch.json" "$OUT/$w.medsa.json" >&2
  pt=$(json median_s "$OUT/$w.pytorch.json"); mj=$(json median_s "$OUT/$w.medsa.json")
  ratio=$(awk -v a="${mj:-0}" -v b="${pt:-0}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }')
  rss() { awk '{ printf "%.0f", $1 / 1024 }' <<< "$(field 'Maximum resident set size (kbytes)' "$1")"; }
  rows+=("$(printf '| %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s |' "$w" "${pt:--}" "${mj:--}" "$ratio" \
    "$(rss "$OUT/$w.pytorch.time")" "$(rss "$OUT/$w.medsa.time")" \
    "$(field 'System time (seconds)' "$OUT/$w.pytorch.time")" "$(field 'System time (seconds)' "$OUT/$w.medsa.time")" \
    "$(field 'Minor (reclaiming a frame) page faults' "$OUT/$w.pytorch.time")" \
    "$(field 'Minor (reclaiming a frame) page faults' "$OUT/$w.medsa.time")" "$load")")
done

echo "# $(date -u '+%F %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores," \
  "avx512f $(grep -q avx512f /proc/cpuinfo && echo yes || echo no), OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
echo "| workload | PyTorch median s | MedSA-J median s | ratio | peak RSS MiB PyTorch / MedSA-J | system s PyTorch / MedSA-J | minor faults PyTorch / MedSA-J | loadavg at start |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
