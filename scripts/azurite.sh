# Sourced by ./run and ./test: start Azurite (from node_modules, pinned in package.json) and wait for it.
# azurite_start <data-folder> <blob-port>   (queue = blob+1, table = blob+2); sets AZURITE_PID.
azurite_start() {
  local dir=$1 blob=$2
  mkdir -p "$dir"
  node_modules/.bin/azurite --silent --skipApiVersionCheck --loose --location "$dir" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort $((blob + 1)) --tablePort $((blob + 2)) >"$dir/azurite.log" 2>&1 &
  AZURITE_PID=$!
  AZURITE_LOG="$dir/azurite.log"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$((blob + 2))") 2>/dev/null; then return 0; fi
    kill -0 "$AZURITE_PID" 2>/dev/null || { cat "$dir/azurite.log" >&2; return 1; }
    sleep 0.2
  done
  echo "Azurite did not open port $((blob + 2)) in 20 s" >&2
  return 1
}

# Stop gracefully so that Azurite writes its data folder before it exits (a SIGKILL can lose acknowledged
# writes). On SIGTERM Azurite closes its three services and says so, but its process lingers; once all three
# report "successfully closed" the data is on disk and the process can go.
azurite_stop() {
  [ -n "${AZURITE_PID:-}" ] || return 0
  kill -TERM "$AZURITE_PID" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    kill -0 "$AZURITE_PID" 2>/dev/null || return 0
    [ "$(grep -c 'successfully closed' "$AZURITE_LOG" 2>/dev/null)" -ge 3 ] && break
    sleep 0.2
  done
  [ "$(grep -c 'successfully closed' "$AZURITE_LOG" 2>/dev/null)" -ge 3 ] || echo "Azurite did not close in 30 s; stopping it anyway" >&2
  kill -KILL "$AZURITE_PID" 2>/dev/null || true
  wait "$AZURITE_PID" 2>/dev/null || true
}

# The Azurite connection string for ports other than the defaults.
azurite_connection() {
  local blob=$1 key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((blob + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((blob + 2))/devstoreaccount1;"
}

ensure_npm_packages() {
  if [ ! -x node_modules/.bin/azurite ]; then
    echo "Installing Azurite (npm ci)…"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
