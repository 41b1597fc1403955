#!/usr/bin/env bats
# Evidence (issue 3): contain ID ACTION --evidence FILE... records each file's
# SHA-256, size, source path, collector and time on the timeline, and keeps the
# file in the repository as evidence/<first two hex digits>/<sha256>, in the
# same single commit; --hash-only records the hash and size but keeps no copy.
# The git history of that path is the chain of custody.

load helpers
bats_require_minimum_version 1.5.0

setup_file() { common_setup_file; }
setup() {
  common_setup
  new_repo
  ID=$(declare_incident "Credential stuffing against /login" --kind unauthorized-access --severity SEV2)
  FILE=$(incident_path "$ID")
  # Evidence is collected outside the repository.
  EV="$TEST_DIR/collected"
  mkdir -p "$EV"
  printf '203.0.113.7 - - [04/Mar/2025:05:06:07 +0000] "POST /login HTTP/1.1" 401 12\n' >"$EV/access.log"
  printf 'GIF89a\000\001\002\377\376\r\n\000binary\n' >"$EV/dump.bin"
}
teardown() { common_teardown; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }
ev() { toml_eval "$FILE" "d['timeline'][-1]['evidence']$1"; }

@test "a security kind gets the security playbook as its tasks" {
  run toml_eval "$FILE" 'd["tasks"][1]'
  assert_status 0
  [[ "$output" == "Preserve evidence before changing anything"* ]]
  [ "$(toml_eval "$FILE" 'len(d["tasks"])')" -eq 9 ]
}

@test "contain --evidence records SHA-256, size, source, collector and time, and keeps the file" {
  sha=$(sha_of "$EV/access.log")
  stored="evidence/${sha:0:2}/$sha"
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl --as "Erin Forensics <erin@example.com>" contain "$ID" "Disabled the leaked API key" \
    --evidence "$EV/access.log"
  assert_status 0
  [ -z "$output" ]
  [[ "$stderr" == *"evidence sha256:$sha"* ]]
  [[ "$stderr" == *"kept in $stored"* ]]
  # one commit that holds the incident file and the evidence, nothing else
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  assert_clean_repo
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD | sort)" = "$(printf '%s\n' "$stored" "$FILE" | sort)" ]
  [ "$(git log -1 --format='%an <%ae>')" = "Erin Forensics <erin@example.com>" ]
  # the stored copy is committed and byte for byte the file
  [ "$(git ls-files -- "$stored")" = "$stored" ]
  git cat-file blob "HEAD:$stored" | cmp - "$EV/access.log"
  cmp "$stored" "$EV/access.log"
  # the timeline entry
  [ "$(ev '[0]["sha256"]')" = "$sha" ]
  [ "$(ev '[0]["size"]')" = "$(size_of "$EV/access.log")" ]
  [ "$(ev '[0]["source"]')" = "$EV/access.log" ]
  [ "$(ev '[0]["collected_by"]')" = "Erin Forensics <erin@example.com>" ]
  [ "$(ev '[0]["collected_at"]')" = "$(toml_eval "$FILE" 'd["timeline"][-1]["at"]')" ]
  [ "$(ev '[0]["stored"]')" = "$stored" ]
  [ "$(toml_eval "$FILE" '[d["status"], d["timeline"][-1]["type"]]')" = '["containment", "contain"]' ]
  # the chain of custody: who added the evidence, and when
  [ "$(git log --format=%an -- "$stored")" = "Erin Forensics" ]
}

@test "--hash-only records the hash and size but keeps no copy" {
  sha=$(sha_of "$EV/dump.bin")
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl contain "$ID" "Imaged db-3" --evidence "$EV/dump.bin" --hash-only
  assert_status 0
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  assert_clean_repo
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = "$FILE" ]
  [ -z "$(git ls-files -- evidence)" ]
  [ ! -e evidence ]
  [ "$(ev '[0]["sha256"]')" = "$sha" ]
  [ "$(ev '[0]["size"]')" = "$(size_of "$EV/dump.bin")" ]
  [ "$(ev '[0].get("stored")')" = "null" ]
  # the report names no copy
  [ -z "$output" ]
  [ "$stderr" = "$ID: containment recorded; status is now containment
  evidence sha256:$sha  $EV/dump.bin" ]
}

@test "several --evidence files go into one event and one commit; binary content is kept exactly" {
  a=$(sha_of "$EV/access.log")
  b=$(sha_of "$EV/dump.bin")
  before=$(git rev-parse HEAD)
  run --separate-stderr irctl contain "$ID" "Collected the login logs and the dump" \
    --evidence "$EV/access.log" --evidence "$EV/dump.bin"
  assert_status 0
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  assert_clean_repo
  [ "$(toml_eval "$FILE" '[e["sha256"] for e in d["timeline"][-1]["evidence"]]')" = "[\"$a\", \"$b\"]" ]
  [ "$(toml_eval "$FILE" '[e["size"] for e in d["timeline"][-1]["evidence"]]')" = "[$(size_of "$EV/access.log"), $(size_of "$EV/dump.bin")]" ]
  git cat-file blob "HEAD:evidence/${a:0:2}/$a" | cmp - "$EV/access.log"
  git cat-file blob "HEAD:evidence/${b:0:2}/$b" | cmp - "$EV/dump.bin"
  # each stored blob hashes to its own name
  for f in $(git ls-files evidence); do
    [ "$(git cat-file blob "HEAD:$f" | sha256sum | cut -d' ' -f1)" = "$(basename "$f")" ]
  done
}

@test "the same evidence collected twice is stored once" {
  sha=$(sha_of "$EV/access.log")
  irctl -q contain "$ID" "first" --evidence "$EV/access.log"
  cp "$EV/access.log" "$EV/copy.log"
  before=$(git rev-parse HEAD)
  irctl -q contain "$ID" "second" --evidence "$EV/copy.log"
  [ "$(git rev-list --count "$before"..HEAD)" -eq 1 ]
  assert_clean_repo
  [ "$(git diff-tree --no-commit-id --name-only -r HEAD)" = "$FILE" ]
  [ "$(ev '[0]["stored"]')" = "evidence/${sha:0:2}/$sha" ]
  [ "$(ev '[0]["source"]')" = "$EV/copy.log" ]
  [ "$(git ls-files evidence | wc -l)" -eq 1 ]
}

@test "an empty evidence file has the SHA-256 of nothing and size 0" {
  : >"$EV/empty.txt"
  irctl -q contain "$ID" "empty" --evidence "$EV/empty.txt"
  [ "$(ev '[0]["sha256"]')" = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" ]
  [ "$(ev '[0]["size"]')" = "0" ]
  [ "$(git ls-files evidence)" = "evidence/e3/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" ]
  assert_clean_repo
}

@test "the kept copy is never more readable than its source, nor executable; git records it as 100644" {
  umask 022
  printf 'root:$y$j9T$secret:19000:0:99999:7:::\n' >"$EV/shadow"
  printf '#!/bin/sh\necho dropped by the intruder\n' >"$EV/dropper.sh"
  printf 'x-forwarded-for: 203.0.113.7\n' >"$EV/headers.txt"
  chmod 0640 "$EV/shadow"      # as /etc/shadow
  chmod 0750 "$EV/dropper.sh"  # found executable
  chmod 0600 "$EV/dump.bin"
  chmod 0666 "$EV/headers.txt" # the umask takes the rest away
  run --separate-stderr irctl contain "$ID" "Collected what the intruder touched" \
    --evidence "$EV/shadow" --evidence "$EV/dropper.sh" --evidence "$EV/dump.bin" --evidence "$EV/headers.txt"
  assert_status 0
  assert_clean_repo
  local f modes=""
  for f in shadow dropper.sh dump.bin headers.txt; do
    sha=$(sha_of "$EV/$f")
    modes+="$f $(stat -c %a "evidence/${sha:0:2}/$sha") $(git ls-files -s "evidence/${sha:0:2}/$sha" | cut -d' ' -f1);"
  done
  [ "$modes" = "shadow 640 100644;dropper.sh 640 100644;dump.bin 600 100644;headers.txt 644 100644;" ]
  [ "$(git ls-tree -r HEAD evidence | cut -d' ' -f1 | sort -u)" = 100644 ]
}

@test "a relative evidence path is recorded as an absolute source" {
  irctl -q contain "$ID" "relative" --evidence ../collected/access.log
  [ "$(ev '[0]["source"]')" = "$(cd "$EV" && pwd -P)/access.log" ]
  [ "$(ev '[0]["sha256"]')" = "$(sha_of "$EV/access.log")" ]
}

@test "a missing or unreadable evidence file exits 2 and changes nothing, with the other files" {
  run_unchanged --separate-stderr irctl contain "$ID" "x" --evidence "$EV/access.log" --evidence "$EV/nope.log"
  assert_status 2
  assert_text_error
  [[ "$stderr" == *"nope.log"* ]]
  run_unchanged irctl contain "$ID" "x" --evidence "$EV"
  assert_status 2
  [ ! -e evidence ]
}

@test "evidence on a resolved incident is refused (exit 4) and nothing is stored" {
  irctl -q resolve "$ID"
  run_unchanged --separate-stderr irctl contain "$ID" "late" --evidence "$EV/access.log"
  assert_status 4
  assert_text_error
  [[ "$stderr" == *"irctl reopen $ID"* ]]
  [ ! -e evidence ]
}

@test "only contain takes --evidence" {
  run_unchanged --separate-stderr irctl eradicate "$ID" "wiped" --evidence "$EV/access.log"
  assert_status 2
  run_unchanged irctl recover "$ID" "restored" --evidence "$EV/access.log"
  assert_status 2
}

@test "contain --evidence --json shows the evidence in the event" {
  sha=$(sha_of "$EV/access.log")
  run --separate-stderr irctl contain "$ID" "Disabled the key" --evidence "$EV/access.log" --json
  assert_status 0
  [ "$(json_eval 'd["commit"]' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(json_eval '[d["event"]["evidence"][0][k] for k in ("sha256", "size", "stored")]' <<<"$output")" = "[\"$sha\", $(size_of "$EV/access.log"), \"evidence/${sha:0:2}/$sha\"]" ]
  run irctl show "$ID" --json
  assert_status 0
  [ "$(json_eval 'd["timeline"][-1]["evidence"][0]["sha256"]' <<<"$output")" = "$sha" ]
}

@test "a stray uncommitted file at the evidence path is not taken for the stored evidence" {
  # Whatever lies in the work tree at evidence/xx/<sha> (a left-over, or a
  # tampered copy) is not in git: irctl must either commit the real evidence
  # there or refuse, never report it "kept" when it is not committed.
  sha=$(sha_of "$EV/access.log")
  stored="evidence/${sha:0:2}/$sha"
  mkdir -p "$(dirname "$stored")"
  echo "tampered" >"$stored"
  run --separate-stderr irctl contain "$ID" "Disabled the key" --evidence "$EV/access.log"
  if [ "$status" -eq 0 ]; then
    git cat-file -e "HEAD:$stored" || { echo "$stored is recorded as stored but is not committed" >&2; false; }
    git cat-file blob "HEAD:$stored" | cmp - "$EV/access.log"
  else
    [ "$(toml_eval "$FILE" 'len(d["timeline"])')" -eq 1 ]
  fi
}
