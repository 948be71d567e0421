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
# without telemetry (REDOCLY_TELEMETRY=off also keeps the pages build-docs writes from sending
# Redoc's telemetry from their readers' browsers) or update notices, and without its two
# notices about its own future (see drop_redocly_notices). Its exit status is the CLI's.
redocly() {
	npm_tool_install redocly || return 1
	local status
	{
		(cd "$ROOT" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_NOTIFICATIONS=true "$(npm_tool_bin redocly redocly)" "$@") 2>&1 1>&3 3>&- |
			drop_redocly_notices >&2
		status=${PIPESTATUS[0]}
	} 3>&1
	return "$status"
}

# drop_redocly_notices filters Redocly CLI's stderr. Redocly CLI 2.77.0 prints two boxed
# notices on every run that no option, environment variable or configuration setting turns off
# (its source prints them unconditionally; REDOCLY_SUPPRESS_NOTIFICATIONS covers neither):
# "Node.js 20 support is ending", under the Node.js 20 its engines field accepts, and for
# build-docs, "build-docs now renders docs with Redoc 3". Both are about Redocly's releases, not
# this project, so those two boxes, and the blank lines after them, are dropped; everything
# else, any other box included, passes through.
drop_redocly_notices() {
	awk '
		function flush() { while (blank > 0) { print ""; blank-- } }
		box != "" {
			box = box "\n" $0
			if (index($0, "╚")) {
				if (box ~ /Node\.js 20 support is ending|build-docs now renders docs with Redoc 3/) {
					blank = 0; dropped = 1
				} else {
					flush(); print box
				}
				box = ""
			}
			next
		}
		index($0, "╔") { box = $0; next }
		/^[[:space:]]*$/ { if (!dropped) blank++; next }
		{ dropped = 0; flush(); print }
		END { if (box != "") print box; flush() }
	'
}

# npm_tool_bin <name> <binary>: the path of a binary of tools/npm/<name>.
npm_tool_bin() {
	echo "$ROOT/tools/npm/$1/node_modules/.bin/$2"
}
