#!/usr/bin/env bash
# The architecture rules that the compiler cannot see (docs/architecture.md):
# - Beast only in transport (and the test HTTP client);
# - sqlite3.h and libpq-fe.h only in storage;
# - SQL statements only in storage and migrations;
# - SQL from run-time text (Connection::ExecuteScript) only in the migrator and the connection
#   with its engines, and the engines' own entry points (SQLite's, libpq's) only in their
#   engine (everything else goes through Sql, fixed at compile time; tests/CMakeLists.txt
#   proves a std::string does not compile as one).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

if grep -rn --include='*.?pp' '<boost/beast' src include | grep -v '^src/transport/'; then
  echo "error: Beast included outside src/transport" >&2
  status=1
fi
if grep -rnE --include='*.?pp' '(sqlite3|libpq-fe)\.h' src include | grep -v '^src/storage/'; then
  echo "error: sqlite3.h or libpq-fe.h included outside src/storage" >&2
  status=1
fi
if grep -rnE --include='*.?pp' '"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|CREATE TABLE|PRAGMA)\b' \
     src include | grep -vE '^(src|include/convene)/storage/'; then
  echo "error: SQL outside the storage layer" >&2
  status=1
fi
if grep -rn --include='*.?pp' 'ExecuteScript' src |
     grep -vE '^src/storage/(migrator\.cpp|connection\.cpp|engine\.hpp|[a-z]+_engine\.cpp):'; then
  echo "error: SQL run from run-time text outside the migrator" >&2
  status=1
fi
if grep -rnE --include='*.?pp' 'sqlite3_(prepare|exec)' src | grep -v '^src/storage/sqlite_engine\.cpp:'; then
  echo "error: SQLite called directly outside src/storage/sqlite_engine.cpp" >&2
  status=1
fi
if grep -rnE --include='*.?pp' '\bPQ(exec|prepare)' src | grep -v '^src/storage/postgres_engine\.cpp:'; then
  echo "error: libpq called directly outside src/storage/postgres_engine.cpp" >&2
  status=1
fi
[ $status -eq 0 ] && echo "layer checks passed"
exit $status
