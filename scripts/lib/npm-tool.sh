# Sourced by scripts that run a pinned npm tool. Each tool lives in tools/npm/<name>, with a
# package.json and a package-lock.json that pin it; node_modules there is never committed.

# npm_tool_install <name>: installs tools/npm/<name> exactly as its lock file says, unless that
# install is already in place.
npm_tool_install() {
	local dir="$ROOT/tools/npm/$1"
	local stamp="$dir/node_modules/.installed-lock"
	if [ -f "$stamp" ] && cmp -s "$stamp" "$dir/package-lock.json"; then
		return 0
	fi
	command -v npm >/dev/null 2>&1 || { echo "npm is needed to install $1; install Node.js and npm" >&2; return 1; }
	echo "installing the pinned $1 tools (npm ci in tools/npm/$1)" >&2
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || return 1
	cp "$dir/package-lock.json" "$stamp"
}

# redocly <args>: runs the pinned Redocly CLI (installed on first use) from the repository root,
# without telemetry or update notices.
redocly() {
	npm_tool_install redocly || return 1
	(cd "$ROOT" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_NOTIFICATIONS=true "$(npm_tool_bin redocly redocly)" "$@")
}

# npm_tool_bin <name> <binary>: the path of a binary of tools/npm/<name>.
npm_tool_bin() {
	echo "$ROOT/tools/npm/$1/node_modules/.bin/$2"
}
