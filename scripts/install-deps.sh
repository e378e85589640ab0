#!/usr/bin/env bash
# Installs what Convene needs on Debian 12, only when something is missing (safe to re-run).
# Usage: scripts/install-deps.sh [build|test]
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libqrencode-dev
  libspdlog-dev libfmt-dev libsodium-dev libhowardhinnant-date-dev
  libcurl4-openssl-dev libssl-dev libpng-dev libpq-dev tzdata ca-certificates
)
# zbar-tools decodes the QR codes we draw, in tests; python3-aiosmtpd is the real SMTP server
# the mail tests send to, python3-icalendar reads the invitations back as a calendar program
# would; chromium (driven by playwright-core from npm) runs the browser tests; e2fsprogs and
# mount make the small file systems the fault tests fill up and turn read-only; clang with
# compiler-rt builds the libFuzzer targets; nginx-light runs docs/nginx/convene.conf in front
# of Convene in a browser test; python3-jsonschema checks live answers against
# docs/openapi.json; postgresql-15 is the server the tests of the PostgreSQL engine start
# (tests/support/postgres.sh).
test_packages=(libgtest-dev libgmock-dev googletest zbar-tools python3-aiosmtpd python3-icalendar
               chromium e2fsprogs mount clang libclang-rt-14-dev nginx-light python3-jsonschema
               postgresql-15)

wanted=("${build_packages[@]}")
if [ "${1:-build}" = test ]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: run as root (or with sudo) to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # libboost1.81-dev conflicts with the default 1.74 headers: remove those if present.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" libboost1.74-dev- libboost-dev-
fi

if [ "${1:-build}" = test ]; then
  # Node.js runs the browser tests; a machine without it gets Debian's.
  if ! command -v npm >/dev/null 2>&1; then
    echo "Installing: nodejs npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  # The test-only npm packages, exactly as locked; again only when the lock file changed.
  browser_tests="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
  if [ ! -d "$browser_tests/node_modules" ] ||
     [ "$browser_tests/package-lock.json" -nt "$browser_tests/node_modules" ]; then
    npm ci --prefix "$browser_tests" --no-audit --no-fund --loglevel=error
    touch "$browser_tests/node_modules"
  fi
fi
