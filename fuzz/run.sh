#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for FUZZ_SECONDS seconds each (default 60) and prints, per
# target, the executions, executions per second and crashes; exits non-zero if any target crashed.
#
#   FUZZ_SECONDS=60 bash fuzz/run.sh [target ...]      (`make fuzz` does this after `make fuzz-setup`)
#
# Seeds come from fuzz/corpus/<target>/ (committed, read-only here); what libFuzzer finds grows in
# fuzz/work/<target>/ and crash files land in fuzz/artifacts/<target>/ (both ignored by git).
# Reproduce a crash: cargo +nightly fuzz run <target> fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

cargo +nightly fuzz build   # every target at once, so the timed runs below only fuzz

stat() { grep -o "stat::$1: *[0-9]*" "$2" | grep -o '[0-9]*$' | tail -n 1 || true; }

crashed=0
rows=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/work/$t" "fuzz/artifacts/$t" "fuzz/corpus/$t"
  log="fuzz/work/$t.log"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=("-dict=fuzz/$t.dict")
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  echo "fuzz: $t for ${secs}s (log: $log)"
  rc=0
  cargo +nightly fuzz run "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -max_len=16384 -timeout=10 "${dict[@]}" \
    >"$log" 2>&1 || rc=$?
  found=$(( $(find "fuzz/artifacts/$t" -type f | wc -l) - before ))
  if [ "$rc" -ne 0 ]; then
    crashed=1
    [ "$found" -gt 0 ] || found="? (exit $rc, see $log)"
  fi
  rows+=("$(printf '%-12s %12s %10s  %s' "$t" "$(stat number_of_executed_units "$log")" \
    "$(stat average_exec_per_sec "$log")" "$found")")
done

printf '\n%-12s %12s %10s  %s\n' target executions exec/s crashes
printf '%s\n' "${rows[@]}"
if [ "$crashed" -ne 0 ]; then
  echo "fuzz: crashes found; files in fuzz/artifacts/<target>/" >&2
  exit 1
fi
