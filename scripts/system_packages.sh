#!/usr/bin/env bash
# The one list of the Debian packages parindex needs, and their installation.
#
#   scripts/system_packages.sh runtime    # the portal: WeasyPrint's libraries (`make run`, Dockerfile)
#   scripts/system_packages.sh messages   # GNU gettext (`make messages`)
#   scripts/system_packages.sh test       # all of the above and what the tests drive (`make test`)
#   scripts/system_packages.sh --list SET # print the set's packages and exit
#
# Missing packages are installed with apt-get when running as root; otherwise the script prints
# the exact command to run and fails. Without dpkg (not Debian) it says what is needed and goes
# on only if the tools themselves are found. The report fonts are not here: they ship in
# static/reports/fonts/.
set -euo pipefail

runtime=(
  libpango-1.0-0      # WeasyPrint lays out text with Pango
  libpangoft2-1.0-0
  libharfbuzz-subset0 # WeasyPrint subsets the embedded fonts with HarfBuzz
)
messages=(
  gettext # xgettext/msgfmt: `make messages` and the catalogue test
)
test_only=(
  poppler-utils # pdftoppm: report pages as PNG images to look at (var/screenshots/)
  chromium      # the browser tests (Playwright drives Debian's Chromium)
  nodejs        # npm ci installs axe-core for the browser tests' accessibility checks
  npm
)

usage() {
  echo "usage: $0 [--list] runtime|messages|test" >&2
  exit 2
}

list_only=0
if [ "${1:-}" = "--list" ]; then
  list_only=1
  shift
fi
case "${1:-}" in
  runtime) packages=("${runtime[@]}") ;;
  messages) packages=("${messages[@]}") ;;
  test) packages=("${runtime[@]}" "${messages[@]}" "${test_only[@]}") ;;
  *) usage ;;
esac
set_name="$1"

chromium="${PARINDEX_CHROMIUM:-/usr/bin/chromium}"
if [ "$chromium" != /usr/bin/chromium ] && [ -x "$chromium" ]; then
  # A browser of your own (PARINDEX_CHROMIUM) replaces Debian's.
  kept=()
  for package in "${packages[@]}"; do
    [ "$package" = chromium ] || kept+=("$package")
  done
  packages=("${kept[@]}")
fi

if [ "$list_only" = 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

# ---------------------------------------------------------------- not Debian

# What each package gives, as the tests and WeasyPrint look for it.
has_tool() {
  case "$1" in
    libpango-1.0-0) has_library pango-1.0 ;;
    libpangoft2-1.0-0) has_library pangoft2-1.0 ;;
    libharfbuzz-subset0) has_library harfbuzz-subset ;;
    gettext) command -v xgettext >/dev/null && command -v msgfmt >/dev/null ;;
    poppler-utils) command -v pdftoppm >/dev/null ;;
    chromium) [ -x "$chromium" ] ;;
    nodejs) command -v node >/dev/null ;;
    npm) command -v npm >/dev/null ;;
    *) return 1 ;;
  esac
}

has_library() {
  python3 -c "import ctypes.util, sys; sys.exit(not ctypes.util.find_library('$1'))" 2>/dev/null
}

if ! command -v dpkg >/dev/null 2>&1; then
  echo "== not a Debian system: parindex ($set_name) needs what these Debian packages give:"
  absent=()
  for package in "${packages[@]}"; do
    if has_tool "$package"; then
      echo "   $package: found"
    else
      echo "   $package: NOT FOUND"
      absent+=("$package")
    fi
  done
  if [ ${#absent[@]} -gt 0 ]; then
    echo "Install what gives: ${absent[*]} (a Chromium elsewhere: set PARINDEX_CHROMIUM)." >&2
    exit 1
  fi
  exit 0
fi

# ---------------------------------------------------------------- Debian

# An installed package that provides another counts as it: a Node.js build that ships npm
# "Provides: npm" (and conflicts with Debian's own npm package, which must not replace it).
provided=$(dpkg-query -W -f='${db:Status-Status} ${Provides}\n' 2>/dev/null |
  sed -n 's/^installed //p' | tr ',' '\n' | sed 's/([^)]*)//; s/^ *//; s/ *$//')
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed &&
    ! grep -qx "$package" <<<"$provided"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "parindex ($set_name) needs Debian packages that are not installed. Run:" >&2
  echo "" >&2
  echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  echo "" >&2
  echo "then run make again." >&2
  exit 1
fi

echo "== installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y -q --no-install-recommends "${missing[@]}"; }
# A fresh machine or container has no package lists yet (or stale ones): update, then try again.
if ! apt_install; then
  apt-get update -q
  apt_install
fi
