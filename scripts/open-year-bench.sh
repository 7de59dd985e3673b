#!/usr/bin/env bash
# Measures opening a year on the local host from empty storage: /setup, import an org sheet of N villages,
# publish, POST /api/years/{year}/open, then poll GET /api/years/{year} until every village has its checklist.
# Prints the import time, the open's answer time and the time to the last checklist started, with the load average.
#   scripts/open-year-bench.sh [villages=1000]     (ports from YL_TEST_AZURITE_PORT, default 10100)
# Needs the Release build of the local host (./run builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/azurite.sh

villages=${1:-1000}
base=${YL_TEST_AZURITE_PORT:-10100}
blob=$((base + 50)) port=$((base + 60)) sidecar=$((base + 61))
dir=$(mktemp -d /tmp/yl-open-bench.XXXXXX)
dll=functions/YouthLeague.LocalHost/bin/Release/net10.0/YouthLeague.LocalHost.dll
[ -f "$dll" ] || { echo "build first: dotnet build functions/YouthLeague.LocalHost -c Release" >&2; exit 1; }
year=$(TZ=Asia/Shanghai date +%Y)
secret=bench-setup-secret-0123456789
url=http://127.0.0.1:$port

azurite_start "$dir/azurite" "$blob"
host_pid=
cleanup() {
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  azurite_stop
  rm -rf "$dir"
}
trap cleanup EXIT

AzureWebJobsStorage=$(azurite_connection "$blob") dotnet "$dll" --LocalHost:SeedDemo=false \
  --LocalHost:Port=$port --LocalHost:SidecarPort=$sidecar --YouthLeague:SetupSecret=$secret >"$dir/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 600); do
  grep -q "local host ready" "$dir/host.log" && break
  kill -0 "$host_pid" 2>/dev/null || { cat "$dir/host.log" >&2; exit 1; }
  sleep 0.5
done

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
curl -sf -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"secret\":\"$secret\",\"username\":\"admin\",\"displayName\":\"团市委\",\"password\":\"bench-city-2026\"}" "$url/setup"
token=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"admin","password":"bench-city-2026"}' "$url/api/auth/login" | jq -r .token)
auth=(-H "Authorization: Bearer $token")

{
  echo "镇（街道）,村（社区）,第一书记姓名,手机号码,选派单位,任职时间"
  for i in $(seq 0 $((villages - 1))); do printf '镇%d,村%d,书记%d,139%08d,,\n' $((i % 20)) "$i" "$i" "$i"; done
} >"$dir/org.csv"
t=$(now)
curl -sf -o /dev/null --max-time 1800 "${auth[@]}" -F "file=@$dir/org.csv;type=text/csv" "$url/api/org/import?dryRun=false"
echo "import of $villages villages: $(since "$t") s (load average $(cut -d' ' -f1-3 /proc/loadavg))"

curl -sf -o /dev/null -X POST "${auth[@]}" "$url/api/years/$year/definition/publish"
t=$(now)
curl -sf -o /dev/null -X POST "${auth[@]}" "$url/api/years/$year/open"
echo "POST open answered: $(since "$t") s"
while true; do
  view=$(curl -sf "${auth[@]}" "$url/api/years/$year")
  started=$(jq .started <<<"$view")
  [ "$started" -ge "$villages" ] && [ "$(jq .opening <<<"$view")" = false ] && break
  n=$((${n:-0} + 1)); [ $((n % 30)) = 0 ] && echo "  $(since "$t") s: $started started (load $(cut -d' ' -f1 /proc/loadavg))"
  sleep 1
done
echo "opening of $villages villages: $(since "$t") s from the POST to the last checklist started (load average $(cut -d' ' -f1-3 /proc/loadavg))"
instances=$(grep -c "PopReceiptMismatch" "$dir/host.log" || true)
echo "PopReceiptMismatch lines in the host log: $instances"
# A checklist started mid-year must not run the past quarters' reviews (they compete with the opening's starts).
echo "quarterly reviews in the host log: $(grep -c "reviewed for" "$dir/host.log" || true) (60 s later: $(sleep 60; grep -c "reviewed for" "$dir/host.log" || true))"
