#!/bin/sh
# import.sh: wait for Kibana, then import legato.ndjson (the Legato data
# views, Lens panels and dashboard) through the saved objects API, replacing
# objects with the same ids. POSIX sh and curl only, so that it runs in the
# curlimages/curl image as a one-shot compose service; see README.md.
#
# Environment:
#   KIBANA_URL            Kibana's base URL (default http://localhost:5601)
#   KIBANA_USER           user for basic auth (none by default)
#   KIBANA_PASSWORD       its password
#   KIBANA_SPACE          space to import into (default: the default space)
#   KIBANA_WAIT_TIMEOUT   seconds to wait for Kibana (default 300)
#   KIBANA_WAIT_INTERVAL  seconds between status polls (default 5)
#   NDJSON                file to import (default legato.ndjson beside this
#                         script; Kibana wants the name to end in .ndjson)
#
# Exits 0 once Kibana reports every object imported; non-zero, with
# Kibana's response on stderr, if Kibana never became ready or refused
# any object (the import API answers 200 even when some objects fail,
# so the body's "success" is what counts).
set -eu

KIBANA_URL=${KIBANA_URL:-http://localhost:5601}
KIBANA_URL=${KIBANA_URL%/}
KIBANA_WAIT_TIMEOUT=${KIBANA_WAIT_TIMEOUT:-300}
KIBANA_WAIT_INTERVAL=${KIBANA_WAIT_INTERVAL:-5}
NDJSON=${NDJSON:-$(dirname "$0")/legato.ndjson}

base=$KIBANA_URL
if [ -n "${KIBANA_SPACE:-}" ]; then
	base=$KIBANA_URL/s/$KIBANA_SPACE
fi

if [ ! -r "$NDJSON" ]; then
	echo "import.sh: cannot read $NDJSON" >&2
	exit 2
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# kcurl is curl with the credentials, if any, passed in a config on stdin
# rather than on the command line, where ps would show them.
kcurl() {
	if [ -n "${KIBANA_USER:-}" ]; then
		printf 'user = "%s:%s"\n' "$(esc "$KIBANA_USER")" "$(esc "${KIBANA_PASSWORD:-}")" | curl --config - "$@"
	else
		curl "$@"
	fi
}
esc() { printf '%s' "$1" | sed 's/[\\"]/\\&/g'; }

# Wait for Kibana: /api/status answers 503 while Kibana starts (saved
# object migrations included) and 200 once it serves requests, with the
# overall level available, or degraded when an optional plugin is (the
# saved objects API works then).
start=$(date +%s)
while :; do
	code=$(kcurl -sS -o "$tmp" -w '%{http_code}' "$KIBANA_URL/api/status" 2>/dev/null) || code=000
	level=$(sed -n 's/.*"overall":{[^{}]*"level":"\([a-z_]*\)".*/\1/p' "$tmp" 2>/dev/null || true)
	if [ "$code" = 200 ] && { [ "$level" = available ] || [ "$level" = degraded ]; }; then
		echo "import.sh: Kibana at $KIBANA_URL is $level"
		break
	fi
	if [ $(($(date +%s) - start)) -ge "$KIBANA_WAIT_TIMEOUT" ]; then
		echo "import.sh: Kibana at $KIBANA_URL not ready after ${KIBANA_WAIT_TIMEOUT}s (HTTP $code, level '${level}'):" >&2
		cat "$tmp" >&2
		echo >&2
		exit 1
	fi
	echo "import.sh: waiting for Kibana at $KIBANA_URL (HTTP $code${level:+, level $level})"
	sleep "$KIBANA_WAIT_INTERVAL"
done

code=$(kcurl -sS -o "$tmp" -w '%{http_code}' -X POST "$base/api/saved_objects/_import?overwrite=true" \
	-H 'kbn-xsrf: true' --form "file=@$NDJSON") || {
	echo "import.sh: POST $base/api/saved_objects/_import failed" >&2
	exit 1
}
if [ "$code" = 200 ] && grep -q '"success": *true' "$tmp"; then
	echo "import.sh: imported $NDJSON into $base: $(cat "$tmp")"
	exit 0
fi
echo "import.sh: import of $NDJSON into $base failed (HTTP $code):" >&2
cat "$tmp" >&2
echo >&2
exit 1
