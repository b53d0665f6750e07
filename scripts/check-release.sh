#!/usr/bin/env bash
# Builds what Maven Central needs without signing keys and checks it:
#   mvn -B -ntp -Prelease -Dgpg.skip -DskipTests -Dmaven.install.skip -DskipUpload deploy
# i.e. the release build up to the Central plugin, which stages exactly what a deploy would publish
# (target/central-deferred for a SNAPSHOT, the bundle in target/central-publishing for a release) and uploads
# nothing (skipUpload; no credentials needed; nothing is installed into ~/.m2 either). Then, for every artifact
# the BOM manages (the published ones): the jar, -sources.jar and -javadoc.jar exist and are staged, the jar's
# manifest has a valid Automatic-Module-Name (unique across modules), the jars carry LICENSE and NOTICE, and the
# effective pom has name, description, url, licences, SCM and developers. The BOM and the parent pom get the
# metadata checks too. Every other jar module must be in the Central plugin's excludeArtifacts, and what is
# staged holds no tests jar and nothing of an excluded module, so nothing unpublished slips into the bundle.
# MEDSA_SKIP_BUILD=1 checks the artifacts of a previous run of that command instead of building.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${MEDSA_SKIP_BUILD:-0}" != 1 ]; then
  # The Central plugin adds to its staging folders: start from empty ones so that only this build is checked.
  rm -rf ./*/target/central-deferred ./*/target/central-publishing target/central-deferred target/central-publishing
  # The javadoc plugin skips a module whose options and file list match its last run even if a comment changed
  # (maven-javadoc-plugin-stale-data.txt): without it, doclint checks every module again.
  rm -f ./*/target/maven-javadoc-plugin-stale-data.txt
  mvn -B -ntp -Prelease -Dgpg.skip -DskipTests -Dmaven.install.skip -DskipUpload deploy
fi

work=target/check-release
rm -rf "$work" && mkdir -p "$work"
mvn -B -ntp -q -Prelease help:effective-pom -Doutput="$work/effective.xml" >/dev/null
# One file per project, named by its artifactId (the first 4-space-indented artifactId of each project).
awk -v dir="$work" '
  /^  <project /   { body = $0 "\n"; name = ""; next }
  /^  <\/project>/ { print body > (dir "/" name ".pom.xml"); close(dir "/" name ".pom.xml"); body = ""; next }
  body != ""       { body = body $0 "\n"
                     if (name == "" && match($0, /^    <artifactId>[^<]+<\/artifactId>/))
                       name = substr($0, 17, RLENGTH - 16 - 13) }
' "$work/effective.xml"

version=$(sed -n 's|^    <version>\(.*\)</version>$|\1|p' "$work/medsa-bom.pom.xml" | head -1)
# The published artifacts are those the BOM manages in our group.
published=$(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/p' medsa-bom/pom.xml | awk '/<groupId>io.github.medsa<\/groupId>/ { g = 1; next }
                 g && match($0, /<artifactId>[^<]+<\/artifactId>/) { print substr($0, RSTART + 12, RLENGTH - 25) }
                 { g = 0 }' | sort -u)
excluded=$(sed -n '/<excludeArtifacts>/,/<\/excludeArtifacts>/s|.*<artifact>\(.*\)</artifact>.*|\1|p' medsa-bom/pom.xml)
modules=$(sed -n 's|^ *<module>\(.*\)</module>.*|\1|p' pom.xml)

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok:   $*"; }

check_metadata() { # $1 = artifactId
  local pom="$work/$1.pom.xml"
  [ -f "$pom" ] || { fail "$1: no effective pom (is it a module of the reactor?)"; return; }
  local tag
  for tag in '<name>' '<description>' '<url>https://' '<licenses>' '<license>' '<scm' '<connection>scm:git:' \
             '<developerConnection>scm:git:' '<developers>' '<developer>'; do
    grep -q "^ *$tag" "$pom" || fail "$1: effective pom lacks $tag"
  done
  ok "$1: pom metadata (name, description, url, licences, scm, developers)"
}

check_jar_contents() { # $1 = jar, $2 = label; sets module_name to its Automatic-Module-Name
  local dir="$work/unpacked/$2"
  mkdir -p "$dir" && (cd "$dir" && jar xf "$OLDPWD/$1" META-INF)
  [ -f "$dir/META-INF/LICENSE" ] && [ -f "$dir/META-INF/NOTICE" ] || fail "$2: no META-INF/LICENSE or NOTICE in $1"
  module_name=$(tr -d '\r' < "$dir/META-INF/MANIFEST.MF" | sed -n 's/^Automatic-Module-Name: //p')
}

# What the Central plugin staged: the files a deploy would publish, as paths in the repository layout.
staged_files() {
  local d z
  for d in */target/central-deferred target/central-deferred; do
    if [ -d "$d" ]; then (cd "$d" && find . -type f | sed 's|^\./||'); fi
  done
  for z in */target/central-publishing/*.zip target/central-publishing/*.zip; do
    if [ -f "$z" ]; then unzip -Z1 "$z"; fi
  done
}
staged=$(staged_files | sort -u)
if [ -z "$staged" ]; then
  fail "nothing staged by the Central plugin (no target/central-deferred or central-publishing bundle)"
else
  tests_staged=$(grep -E -- '-tests\.jar(\.|$)' <<<"$staged" || true)
  if [ -z "$tests_staged" ]; then ok "no tests jar is staged for publication"
  else fail "tests jars staged for publication: $(tr '\n' ' ' <<<"$tests_staged")"; fi
  for x in $excluded; do
    if grep -q "^io/github/medsa/$x/" <<<"$staged"; then fail "$x is in excludeArtifacts, yet staged for publication"; fi
  done
fi

check_metadata medsa-bom
check_metadata medsa-parent
names=()
for a in $published; do
  if ! grep -qx "$a" <<<"$modules"; then
    # The BOM may name a module another branch adds (medsa-spark); it must exist once merged.
    echo "SKIP: $a is managed by the BOM but is not a module of this reactor yet"
    continue
  fi
  grep -qx "$a" <<<"$excluded" && fail "$a: published, yet in excludeArtifacts"
  check_metadata "$a"
  for suffix in "" -sources -javadoc; do
    jarfile="$a/target/$a-$version$suffix.jar"
    [ -s "$jarfile" ] || fail "$a: missing $jarfile"
  done
  [ -s "$a/target/$a-$version-javadoc.jar" ] && { jar tf "$a/target/$a-$version-javadoc.jar" | grep -qx index.html \
    || fail "$a: the javadoc jar has no index.html"; }
  [ -s "$a/target/$a-$version.jar" ] || continue
  check_jar_contents "$a/target/$a-$version.jar" "$a"
  name=$module_name
  if [[ ! "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$ ]]; then
    fail "$a: Automatic-Module-Name '$name' is not a valid module name (set medsa.module.name in $a/pom.xml)"
  elif printf '%s\n' "${names[@]}" | grep -qx "$name"; then
    fail "$a: Automatic-Module-Name $name is used by another module"
  else
    names+=("$name"); ok "$a: jar, sources, javadoc; Automatic-Module-Name $name"
  fi
  if [ -e "$a/target/$a-$version-tests.jar" ]; then fail "$a: a tests jar was built ($a/target/$a-$version-tests.jar)"; fi
  for suffix in .jar -sources.jar -javadoc.jar .pom; do
    grep -qx "io/github/medsa/$a/$version/$a-$version$suffix" <<<"$staged" \
      || fail "$a: $a-$version$suffix is not staged for publication"
  done
done

for m in $modules; do
  [ -f "$m/pom.xml" ] && ! grep -q '<packaging>pom</packaging>' "$m/pom.xml" || continue
  grep -qx "$m" <<<"$published" || grep -qx "$m" <<<"$excluded" \
    || fail "$m: neither managed by the BOM (published) nor in excludeArtifacts (unpublished)"
done

if [ "$failures" -gt 0 ]; then
  echo "check-release: $failures problem(s)"
  exit 1
fi
echo "check-release: every published module has what Central needs"
