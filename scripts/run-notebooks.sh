#!/usr/bin/env bash
# Executes every notebook in medsa-examples/notebooks headless with the MedSA-J Java kernel.
# Executed copies (with their inline PNG outputs) go to medsa-examples/target/notebooks/.
# Fails (non-zero) when the build fails or any cell of any notebook raises an error.
#
# Usage: scripts/run-notebooks.sh [notebook.ipynb ...]      (default: all of medsa-examples/notebooks/*.ipynb)
#        scripts/run-notebooks.sh --install-kernel DIR      only build and write DIR/kernels/medsa-java/kernel.json,
#                                                           for interactive use: JUPYTER_PATH=DIR jupyter notebook
# Env:   MEDSA_SKIP_BUILD=1   reuse medsa-examples/target/{medsa-examples.jar,lib}
#        MEDSA_KERNEL_XMX     kernel heap (default 4g)
#        NOTEBOOK_TIMEOUT     seconds per cell (default 600)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/medsa-examples/target/notebooks"
jar="$root/medsa-examples/target/medsa-examples.jar"
lib="$root/medsa-examples/target/lib"

install_dir=""
if [ "${1:-}" = "--install-kernel" ]; then
  [ $# -eq 2 ] || { echo "usage: $0 --install-kernel DIR" >&2; exit 2; }
  mkdir -p "$2"; install_dir="$(cd "$2" && pwd)"; shift 2
fi

# 1. Jupyter: Debian's packages (nbconvert executes, ipykernel is only its default-kernel dependency).
jupyter_bin="$(command -v jupyter || true)"
if [ -z "$jupyter_bin" ] || ! "$jupyter_bin" nbconvert --version >/dev/null 2>&1; then
  if [ -x /usr/bin/jupyter ] && /usr/bin/jupyter nbconvert --version >/dev/null 2>&1; then
    jupyter_bin=/usr/bin/jupyter
  else
    echo "run-notebooks: installing Jupyter (Debian packages)..." >&2
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends jupyter-nbconvert jupyter-client \
      python3-jupyter-client python3-nbclient python3-ipykernel
    jupyter_bin=/usr/bin/jupyter
  fi
fi

# XChart draws text with AWT, which needs at least one font (Debian's JDK normally pulls DejaVu in).
if ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -1)" ]; }; then
  echo "run-notebooks: installing a font for charts..." >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends fontconfig fonts-dejavu-core
fi

# 2. The kernel's classpath: medsa-examples.jar + its runtime dependencies (as the ./medsa launcher uses).
if [ "${MEDSA_SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ] || [ ! -d "$lib" ]; then
  echo "run-notebooks: building MedSA-J (tests skipped)..." >&2
  # medsa-examples/pom.xml binds dependency:copy-dependencies (runtime scope) to package, so this one reactor
  # build fills target/lib from the freshly built modules (a separate -pl call would look for them in ~/.m2).
  mvn -B -q -ntp -DskipTests package
fi

# 3. A kernelspec in a temporary JUPYTER_PATH (nothing is installed into ~/.local or /usr).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
spec="${install_dir:-$tmp/jupyter}/kernels/medsa-java"
mkdir -p "$spec"
cat > "$spec/kernel.json" <<JSON
{
 "argv": ["java", "-Xmx${MEDSA_KERNEL_XMX:-4g}", "-Djava.awt.headless=true", "-cp", "$jar:$lib/*",
          "io.github.medsa.notebook.MedSAKernel", "{connection_file}"],
 "env": {"OMP_WAIT_POLICY": "PASSIVE"},
 "display_name": "Java (MedSA-J)",
 "language": "java",
 "interrupt_mode": "message"
}
JSON
if [ -n "$install_dir" ]; then
  echo "Kernel 'Java (MedSA-J)' written to $spec/kernel.json. Run from the repository root:" >&2
  echo "  JUPYTER_PATH=$install_dir jupyter notebook medsa-examples/notebooks/" >&2
  exit 0
fi
export JUPYTER_PATH="$tmp/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" JUPYTER_CONFIG_DIR="$tmp/config"
export MEDSA_ROOT="$root"

# 4. Execute.
if [ $# -gt 0 ]; then notebooks=("$@"); else notebooks=("$root"/medsa-examples/notebooks/*.ipynb); fi
mkdir -p "$out"
failed=()
total_start=$(date +%s)
for nb in "${notebooks[@]}"; do
  start=$(date +%s)
  echo "run-notebooks: executing $(basename "$nb")..." >&2
  if "$jupyter_bin" nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=medsa-java \
      --ExecutePreprocessor.timeout="${NOTEBOOK_TIMEOUT:-600}" --output-dir "$out" "$nb"; then
    echo "run-notebooks: $(basename "$nb") OK in $(( $(date +%s) - start )) s," \
      "$(du -k "$out/$(basename "$nb")" | cut -f1) KB executed" >&2
  else
    failed+=("$(basename "$nb")")
  fi
done
echo "run-notebooks: ${#notebooks[@]} notebook(s) in $(( $(date +%s) - total_start )) s; executed copies in $out" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-notebooks: FAILED: ${failed[*]}" >&2
  exit 1
fi
