#!/usr/bin/env bash
# The architecture rules that the compiler cannot see (docs/architecture.md):
# - Beast only in transport (and the test HTTP client);
# - sqlite3.h only in storage;
# - SQL statements only in storage and migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

if grep -rn --include='*.?pp' '<boost/beast' src include | grep -v '^src/transport/'; then
  echo "error: Beast included outside src/transport" >&2
  status=1
fi
if grep -rn --include='*.?pp' 'sqlite3\.h' src include | grep -v '^src/storage/'; then
  echo "error: sqlite3.h included outside src/storage" >&2
  status=1
fi
if grep -rnE --include='*.?pp' '"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE TABLE|PRAGMA)\b' \
     src include | grep -vE '^(src|include/convene)/storage/'; then
  echo "error: SQL outside the storage layer" >&2
  status=1
fi
[ $status -eq 0 ] && echo "layer checks passed"
exit $status
