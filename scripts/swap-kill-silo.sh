#!/usr/bin/env bash
# Must-show (hot swap across silos): 3 silo processes (cluster profile); `facegrains bench swap` against them enrols the
# known people, keeps identify calls in flight, activates the target model version and waits for the flip; while the
# gallery is being re-embedded, the silo running the migration is killed with SIGKILL. The migration must resume on
# another silo and complete, no identify call may fail after the client's retries, and every enrolled identity must be
# found under the new version. Prints the bench's JSON and exits non-zero when one of those does not hold.
#
#   scripts/swap-kill-silo.sh --to <model id> [bench swap options...]   e.g. --data ../shared/data/orl --aligned --force
#
# The silos share one home (scripts/gallery-cluster.sh); its models/ is $FACEGRAINS_HOME/models, where <model id> must be.
set -euo pipefail
cd "$(dirname "$0")/.."
export FACEGRAINS_CLUSTER_RUN="${FACEGRAINS_CLUSTER_RUN:-/tmp/facegrains-swap-cluster}"
base_http="${FACEGRAINS_CLUSTER_BASE_HTTP:-5280}"
base_silo="${FACEGRAINS_CLUSTER_BASE_SILO:-22000}"
facegrains="src/ClientCli/bin/Release/net10.0/linux-x64/facegrains"
[ -x "$facegrains" ] || dotnet build -c Release src/ClientCli -v q -nologo
run="$FACEGRAINS_CLUSTER_RUN"
rm -rf "$run"
trap 'scripts/gallery-cluster.sh stop' EXIT
scripts/gallery-cluster.sh start 3

"$facegrains" bench swap --gateway "$(scripts/gallery-cluster.sh gateways 3)" "$@" --json >"$run/swap.json" 2>"$run/swap.log" &
client=$!

# Wait until the migration is re-embedding and has done some identities, then kill the silo that runs it.
victim=""
while kill -0 "$client" 2>/dev/null; do
  for i in 1 2 3; do
    status=$(curl -sf "http://127.0.0.1:$((base_http + i))/models/migration" 2>/dev/null) || continue
    phase=$(jq -r '.phase' <<<"$status")
    done_count=$(jq -r '.done' <<<"$status")
    total=$(jq -r '.total' <<<"$status")
    if [ "$phase" = "reembedding" ] && [ "$done_count" -gt 0 ] && [ "$done_count" -lt "$total" ]; then
      silo=$(jq -r '.silo // ""' <<<"$status")
      for j in 1 2 3; do
        case "$silo" in *":$((base_silo + j)):"* | *":$((base_silo + j))") victim=$j ;; esac
      done
      victim="${victim:-2}"
      echo "migration at $done_count / $total on ${silo:-an unnamed silo}: killing silo $victim (pid $(cat "$run/silo-$victim.pid")) with SIGKILL" >&2
      kill -9 "$(cat "$run/silo-$victim.pid")"
      rm -f "$run/silo-$victim.pid"
      echo "$done_count $total $victim" >"$run/killed"
      break 2
    fi
    break
  done
  sleep 0.5
done

status=0
wait "$client" || status=$?
cat "$run/swap.json"
[ "$status" -eq 0 ] || { echo "bench swap failed ($status); see $run/swap.log" >&2; exit 1; }
[ -e "$run/killed" ] || { echo "the migration ended before a silo could be killed (a larger --data?)" >&2; exit 1; }
for i in 1 2 3; do
  [ "$i" = "$victim" ] && continue
  resumes=$(curl -sf "http://127.0.0.1:$((base_http + i))/models" | jq -r '[.. | objects | select(has("resumes")) | .resumes] | max // 0')
  echo "migration resumes seen by silo $i: $resumes" >&2
  break
done
jq -e '.failed_calls == 0 and .enrolled_found_under_new_version == .enrolled_identities and .reembedded_identities == .enrolled_identities' \
  "$run/swap.json" >/dev/null || { echo "a requirement failed (failed_calls 0, every enrolled identity re-embedded and found)" >&2; exit 1; }
echo "ok: silo $(cut -d' ' -f3 "$run/killed") killed at $(cut -d' ' -f1,2 "$run/killed" | tr ' ' /) identities; no call failed; every enrolled identity found under the new version" >&2
