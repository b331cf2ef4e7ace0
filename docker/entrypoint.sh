#!/bin/sh
# Starts one Flywheel app: the first argument, else $FLYWHEEL_APP (the image's
# build argument APP). `exec` makes node PID 1, so it receives SIGTERM itself
# and drains in-flight requests before exiting.
set -eu
app="${1:-${FLYWHEEL_APP:-gateway}}"
[ "$#" -gt 0 ] && shift
case "$app" in
  migrate)
    exec node /app/dist/libs/data/migrate.js "$@" ;;
  gateway|prompt|experiment|feedback|model-registry)
    entry="/app/dist/apps/$app/main.js"
    if [ ! -f "$entry" ]; then
      echo "flywheel: $app is not in this image ($entry missing)" >&2
      exit 64
    fi
    exec node "$entry" "$@" ;;
  *)
    echo "usage: <gateway|prompt|experiment|feedback|model-registry|migrate>; got '$app'" >&2
    exit 64 ;;
esac
