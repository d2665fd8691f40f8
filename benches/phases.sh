#!/bin/bash
# Where a run's wall time goes: the read, the steps between read and listing, the listing.
#
# Usage: bash benches/phases.sh TRIAGE INVENTORY [RUNS] [HZ]
#
# Runs `TRIAGE run INVENTORY --only-selected -f csv` RUNS times under `perf record` (HZ samples
# a second, 499 by default: enough to place the phases, little enough not to slow the run)
# and reads the sample timestamps: the read ends with the last sample in the record parser,
# the listing starts with the first sample in the deciding or formatting code.
set -euo pipefail
triage=$1 inventory=$2 runs=${3:-5} hz=${4:-499}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$runs"); do
  rm -f "$tmp/listing.csv"
  perf record -q -F "$hz" -o "$tmp/perf.data" "$triage" run "$inventory" --only-selected \
    -f csv -q -o "$tmp/listing.csv" 2>/dev/null
  perf script -i "$tmp/perf.data" -F time,ip,sym 2>/dev/null | awk '
    { t = $1 + 0; if (start == 0) start = t; last = t; s = $3
      if (s ~ /Records::add|split_record|validate_utf8|parse_range/) read_end = t
      if (s ~ /decide|format_rows|Matcher::first/ && listing == 0) listing = t }
    END { printf "total %.3f s  read %.3f s  between %.3f s  listing %.3f s\n",
          last - start, read_end - start, listing - read_end, last - listing }'
done
