# Sourced by ./bantam and ./run-tests: sets BANTAM_JAVA_HOME to the newest JDK >= 25 found in
# JAVA_HOME, on the PATH or in the usual install locations, or prints why not and exits 2.
bantam_required_java=25

bantam_java_major() {  # the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

bantam_find_jdk() {
  local candidates=() d j v best="" best_version=0
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [[ -x "$d/bin/java" && -x "$d/bin/javac" ]] && candidates+=("$d/bin/java")
  done
  for j in "${candidates[@]}"; do
    v="$(bantam_java_major "$j")"
    if [[ -n "$v" && "$v" -ge "$bantam_required_java" && "$v" -gt "$best_version" ]]; then best="$j"; best_version="$v"; fi
  done
  [[ -n "$best" ]] || return 1
  dirname "$(dirname "$(readlink -f "$best")")"
}

if ! BANTAM_JAVA_HOME="$(bantam_find_jdk)"; then
  echo "bantam: no JDK $bantam_required_java or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one or set JAVA_HOME" >&2
  exit 2
fi
export BANTAM_JAVA_HOME
