# sshd.sh — sourced after common.sh by tests that reach a "remote" host
# over OpenSSH: `sshd_start` runs an sshd of the test's own on 127.0.0.1
# and a free port, everything it needs in $T, and writes a client
# configuration for ssh -F (a topology's `ssh_config:`).  Nothing of the
# system's sshd is used or started.
#
#   sshd_start || skip_all "$SSHD_WHY"	before the plan
#   $SSH_CONFIG	client config: port, user, key, known_hosts in $T,
#		StrictHostKeyChecking accept-new, BatchMode yes
#   $SSH_DEST	user@127.0.0.1;  $SSH_USER, $SSHD_PORT
#   $SSH_XDG	the XDG_RUNTIME_DIR the "remote" host's logins get
#		(SetEnv), so its state root is in $T too
#   as_user	runs a command as the lab's user (below)
#
# As a user (not root): sshd runs as that user and logs that user in.
# As root (how CI runs): sshd runs as root — privilege separation needs
# /run/sshd (made if missing, removed after) and the `sshd` user the
# package made — and the lab's user is a temporary one made here
# (useradd: a shell, /bin/sh, a home in $T; removed at exit with
# userdel), so the lab itself still runs unprivileged: as_user, and
# lab.sh's R, run as that user ($LAB_UID) instead of nobody, whose shell
# sshd would not run.
#
# Source it before lab.sh: cleanups run last-registered first, so labs
# go down while sshd and the user are still there.  On every exit path
# sshd is stopped (by its pid), the user's processes are killed (by pid,
# found by uid in /proc: the user is the test's alone) and the user is
# removed.
SSHD_BIN=/usr/sbin/sshd
SSHD_DIR=$T/sshd
SSH_DIR=$T/ssh
SSH_CONFIG=$SSH_DIR/config
SSH_XDG=$T/ssh-xdg
_sshd_pid=
_sshd_user_made=
_sshd_rundir_made=

# The pids of the processes whose real user is uid $1.
_uid_pids() {
	local f p
	for f in /proc/[0-9]*/status; do
		p=${f#/proc/}; p=${p%%/*}
		awk -v u="$1" '$1 == "Uid:" { exit !($2 == u) }' "$f" 2>/dev/null &&
		    echo "$p"
	done
}

_sshd_cleanup() {
	local i p
	if [ -n "$_sshd_pid" ]; then
		kill "$_sshd_pid" 2>/dev/null
		for i in $(seq 50); do kill -0 "$_sshd_pid" 2>/dev/null || break; sleep 0.1; done
	fi
	if [ -n "$_sshd_user_made" ]; then
		for i in 1 2 3; do
			p=$(_uid_pids "$LAB_UID")
			[ -z "$p" ] && break
			kill -9 $p 2>/dev/null
			sleep 0.1
		done
		userdel "$SSH_USER" 2>/dev/null || userdel -f "$SSH_USER"
	fi
	[ -n "$_sshd_rundir_made" ] && rmdir /run/sshd 2>/dev/null
}

# A free TCP port on 127.0.0.1 (sshd may still lose it to a race: then
# sshd_start tries another).
_free_port() {
	local p i
	for i in $(seq 50); do
		p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
		ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# The lab's user, as root: a temporary one (rlt + pid), shell /bin/sh.
_sshd_make_user() {
	local n
	command -v useradd >/dev/null || { SSHD_WHY="useradd not found"; return 1; }
	getent passwd sshd >/dev/null || { SSHD_WHY="no 'sshd' user for sshd's privilege separation (openssh-server makes it)"; return 1; }
	for n in "rlt$$" "rlt$$a" "rlt$$b"; do
		getent passwd "$n" >/dev/null && continue
		# -p '*': no password, yet not "!"-locked, which sshd refuses
		# without PAM; -N -g nogroup: no group of its own to remove.
		useradd -M -N -g nogroup -d "$T/home" -s /bin/sh -p '*' "$n" ||
		    { SSHD_WHY="useradd $n failed"; return 1; }
		SSH_USER=$n
		_sshd_user_made=1
		on_exit _sshd_cleanup
		return 0
	done
	SSHD_WHY="users rlt$$* exist already"; return 1
}

_sshd_config() {
	cat >"$SSHD_DIR/sshd_config" <<-EOF
	Port $SSHD_PORT
	ListenAddress 127.0.0.1
	HostKey $SSHD_DIR/host_ed25519
	PidFile $SSHD_DIR/sshd.pid
	AuthorizedKeysFile $SSH_DIR/authorized_keys
	AllowUsers $SSH_USER
	UsePAM no
	StrictModes no
	PubkeyAuthentication yes
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PermitRootLogin no
	# Local unix socket forwarding is what the lab uses.  sshd refuses
	# it when AllowTcpForwarding is no, and with PermitOpen none, so
	# local TCP forwarding is left on; nothing remote listens.
	AllowStreamLocalForwarding local
	AllowTcpForwarding local
	PermitListen none
	X11Forwarding no
	AllowAgentForwarding no
	PrintMotd no
	AcceptEnv ASAN_OPTIONS UBSAN_OPTIONS XDG_RUNTIME_DIR
	EOF
	cat >"$SSH_CONFIG" <<-EOF
	Host *
	    Port $SSHD_PORT
	    User $SSH_USER
	    IdentityFile $SSH_DIR/id_ed25519
	    IdentitiesOnly yes
	    UserKnownHostsFile $SSH_DIR/known_hosts
	    GlobalKnownHostsFile /dev/null
	    StrictHostKeyChecking accept-new
	    BatchMode yes
	    LogLevel ERROR
	    SendEnv ASAN_OPTIONS UBSAN_OPTIONS
	    SetEnv XDG_RUNTIME_DIR=$SSH_XDG
	EOF
}

# Starts sshd on a free port: 0 once it listens, else 1 and $SSHD_WHY.
_sshd_listen() {
	local i try
	for try in 1 2 3; do
		SSHD_PORT=$(_free_port) || { SSHD_WHY="no free port"; return 1; }
		_sshd_config
		: >"$SSHD_DIR/sshd.log"
		# -D: not a daemon, so $! is its pid; sshd wants its full path
		"$SSHD_BIN" -D -f "$SSHD_DIR/sshd_config" -E "$SSHD_DIR/sshd.log" &
		_sshd_pid=$!
		for i in $(seq 100); do
			grep -q "^Server listening on 127.0.0.1 port $SSHD_PORT" \
			    "$SSHD_DIR/sshd.log" && return 0
			kill -0 "$_sshd_pid" 2>/dev/null || break
			sleep 0.05
		done
		kill "$_sshd_pid" 2>/dev/null; wait "$_sshd_pid" 2>/dev/null
		_sshd_pid=
	done
	SSHD_WHY="sshd did not start: $(tail -1 "$SSHD_DIR/sshd.log")"
	return 1
}

sshd_start() {
	SSHD_WHY=
	for p in "$SSHD_BIN" ssh ssh-keygen; do
		command -v "$p" >/dev/null ||
		    { SSHD_WHY="$p not installed (Debian: openssh-server, openssh-client)"; return 1; }
	done
	mkdir -p "$SSHD_DIR" "$SSH_DIR" "$SSH_XDG" "$T/home" || return 1
	chmod 0700 "$SSHD_DIR" "$SSH_XDG"
	if [ "$(id -u)" = 0 ]; then
		_sshd_make_user || return 1
		if [ ! -d /run/sshd ]; then
			mkdir -m 0755 /run/sshd && _sshd_rundir_made=1
		fi
	else
		SSH_USER=$(id -un)
		on_exit _sshd_cleanup
	fi
	LAB_UID=$(id -u "$SSH_USER")
	LAB_GID=$(id -g "$SSH_USER")
	export LAB_UID LAB_GID
	SSH_DEST=$SSH_USER@127.0.0.1
	ssh-keygen -q -t ed25519 -N '' -C "rumplab test host" -f "$SSHD_DIR/host_ed25519" &&
	    ssh-keygen -q -t ed25519 -N '' -C "rumplab test user" -f "$SSH_DIR/id_ed25519" &&
	    cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys" ||
	    { SSHD_WHY="ssh-keygen failed"; return 1; }
	if [ "$(id -u)" = 0 ]; then
		# The client side is the lab user's; the server's stays root's.
		chown -R "$LAB_UID:$LAB_GID" "$SSH_DIR" "$SSH_XDG" "$T/home"
		chown "$LAB_UID:$LAB_GID" "$T"
		as_user() { setpriv --reuid="$LAB_UID" --regid="$LAB_GID" --clear-groups env HOME="$T/home" "$@"; }
	fi
	_sshd_listen || return 1
	if [ "$(id -u)" = 0 ]; then
		diag "sshd on 127.0.0.1:$SSHD_PORT as root (privilege separation in /run/sshd); the lab runs as $SSH_USER (uid $LAB_UID), a user made for this test"
	else
		diag "sshd on 127.0.0.1:$SSHD_PORT as $SSH_USER, who is the lab's user too"
	fi
	return 0
}
