# Sourced by ./saga-cli and ./run-tests: makes sure Bun and the project's packages are here.
# A machine with only Node.js and npm is enough: Bun ships as an npm package.
# Sets BUN to the bun binary to use.

BUN_VERSION="1.4.5"
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

find_bun() {
  if [ -x "$ROOT/.tools/node_modules/.bin/bun" ]; then
    BUN="$ROOT/.tools/node_modules/.bin/bun"
  elif command -v bun >/dev/null 2>&1; then
    BUN="$(command -v bun)"
  else
    BUN=""
  fi
}

find_bun
if [ -z "$BUN" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "saga-cli: neither bun nor npm is installed" >&2
    echo "  → install Node.js and npm (e.g. apt-get install nodejs npm), or Bun itself" >&2
    exit 1
  fi
  echo "saga-cli: installing Bun ${BUN_VERSION} from npm into .tools/ (first run only)…" >&2
  mkdir -p "$ROOT/.tools"
  npm install --prefix "$ROOT/.tools" --no-audit --no-fund --loglevel=error "bun@${BUN_VERSION}" >&2
  find_bun
  if [ -z "$BUN" ]; then
    echo "saga-cli: npm installed bun but no binary appeared in .tools/node_modules/.bin" >&2
    exit 1
  fi
fi

# Packages: install when missing or when the lockfile changed since the last install.
MARKER="$ROOT/node_modules/.saga-installed"
if [ ! -f "$MARKER" ] || [ "$ROOT/bun.lock" -nt "$MARKER" ] || [ "$ROOT/package.json" -nt "$MARKER" ]; then
  echo "saga-cli: installing packages (bun install)…" >&2
  (cd "$ROOT" && "$BUN" install --frozen-lockfile >&2)
  touch "$MARKER"
fi
export PATH="$(dirname "$BUN"):$PATH"
