#!/usr/bin/env bash
# README "The command line": the walkthrough, against the emulator (nothing leaves the machine).
# `make test` runs this very file; each step checks what it claims.
set -euo pipefail
cd "$(mktemp -d)"
user=5832d184-dd53-42a0-8ace-0bf8d660f4cc

# An emulator on a free port, as a process (base_url, token and user_id on its first lines).
dialtime emulator --port 0 --token walkthrough-token --user-id "$user" > emulator.out &
emulator=$!
trap 'kill $emulator 2>/dev/null' EXIT
for _ in $(seq 100); do
  grep -q '^user_id:' emulator.out && break
  kill -0 $emulator || { cat emulator.out; exit 1; }   # it exited: say why
  sleep 0.1
done
export DIALTIME_BASE_URL="$(sed -n 's/^base_url: //p' emulator.out)" DIALTIME_TOKEN=walkthrough-token

cat > groups.yaml <<'YAML'
groups:
  - name: 工作日白天
    content:
      - {week: 1, times: [{begin_time: "09:00", end_time: "18:00"}]}
      - {week: 2, times: [{begin_time: "09:00", end_time: "18:00"}]}
    is_default: true
    skip_holiday: true
  - name: 周末上午
    content:
      - {week: 6, times: [{begin_time: "10:00", end_time: "12:00"}]}
    is_default: false
    skip_holiday: true
YAML
dialtime validate -f groups.yaml

# The plan: two groups to create (exit code 2: changes planned); nothing is written.
status=0; dialtime apply -f groups.yaml --user "$user" --dry-run --detailed-exitcode || status=$?
test "$status" = 2

dialtime apply -f groups.yaml --user "$user"                      # creates both
dialtime apply -f groups.yaml --user "$user" --dry-run --detailed-exitcode   # exit 0: in line

# Drift: someone adds a group by hand and the file moves Saturday's window.
dialtime export --user "$user" > current.yaml                     # the platform, as a file
sed 's/10:00/09:00/' groups.yaml > changed.yaml
dialtime apply -f changed.yaml --user "$user" --dry-run | grep -F '10:00–12:00 → 09:00–12:00'
dialtime apply -f changed.yaml --user "$user"
sed -e 's/name: 工作日白天/name: 手工添加/' -e 's/is_default: true/is_default: false/' groups.yaml > extra.yaml
dialtime apply -f extra.yaml --user "$user" > /dev/null            # "by hand": three groups now
dialtime apply -f changed.yaml --user "$user" --prune --dry-run | grep -F 'delete'
dialtime apply -f changed.yaml --user "$user" --prune              # back to the file's two
dialtime list --user "$user" | grep -c . | grep -qx 2

# Applying an export changes nothing; schedules and holidays offline.
dialtime export --user "$user" > current.yaml
dialtime apply -f current.yaml --user "$user" --dry-run --detailed-exitcode
dialtime check -f groups.yaml --group 工作日白天 --at 2026-10-01T10:00+08:00 | grep -F '国庆节'
dialtime next -f groups.yaml --group 工作日白天 --at 2026-10-01T10:00+08:00
dialtime calendar 2026 | grep -F '2026-10-01'
dialtime show -f groups.yaml --group 工作日白天 --from 2026-09-28 --days 14
dialtime show -f groups.yaml --group 工作日白天 --from 2026-09-28 --days 14 --format svg -o week.svg
grep -q '<svg' week.svg
echo "walkthrough: done"
