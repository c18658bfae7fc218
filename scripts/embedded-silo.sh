# Sourced by the benchmark scripts that run one embedded silo in a fresh home (cold-start.sh, mixed-load.sh).
# Needs $out (the work folder) set; makes $home and silo_cmd, and defines silo (start, extra arguments passed on),
# ready (wait for /health) and stop (SIGTERM, wait for the exit).
# FACEGRAINS_SILO: a silo binary (default: published here to $out/silo; it must get SIGTERM itself, which `dotnet run`
# would not pass on); MODELS: a models folder to link into the home (saves the face-api import).
home="$out/home"
rm -rf "$out"
mkdir -p "$home"
if [ -z "${FACEGRAINS_SILO:-}" ]; then
  dotnet publish src/Silo -c Release -o "$out/silo" >/dev/null
fi
silo_cmd=("${FACEGRAINS_SILO:-$out/silo/facegrains-silo}")
[ -n "${MODELS:-}" ] && ln -s "$MODELS" "$home/models"

silo() {
  "${silo_cmd[@]}" --FaceGrains:Home="$home" --Logging:LogLevel:Default=Warning "$@" >"$out/silo.log" 2>&1 &
  echo $! >"$out/silo.pid"
}
ready() {
  for _ in $(seq 1 1200); do
    curl -sf http://127.0.0.1:5080/health >/dev/null && return 0
    sleep 0.5
  done
  echo "the silo did not answer /health within 10 minutes (see $out/silo.log)" >&2
  return 1
}
stop() {
  kill -TERM "$(cat "$out/silo.pid")"
  while kill -0 "$(cat "$out/silo.pid")" 2>/dev/null; do sleep 0.5; done
}
