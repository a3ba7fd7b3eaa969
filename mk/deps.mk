# Debian packages rumplab builds, tests and demos with.  `make deps` installs
# the missing ones when run as root, and otherwise prints the command to run.
DEB_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
    liblwip-dev libpcap-dev libyaml-dev libncurses-dev libgraphviz-dev \
    tcpdump tshark tmux iproute2 util-linux perl python3 jq bc gzip \
    groff-base man-db
# file: tests/run/80-graph.t asks file(1) what `rumplab graph` wrote.
DEB_PKGS += file
# Unmodified programs the hijack's tests run on nodes (52, 53, 79) and
# its benchmark; libc6-dev's libc.a builds the static program 79 refuses.
DEB_PKGS += netcat-openbsd curl wget iperf3 socat iputils-ping libc6-dev
# rumpfs_ext2fs and ukfs: libext2fs; the tests make and check images with
# e2fsprogs (mke2fs, e2fsck, debugfs); rump_fuse: libfuse3 and fusermount3.
DEB_PKGS += libext2fs-dev e2fsprogs libfuse3-dev fuse3
# zsh: tests/run/84-lab-json.t runs the zsh completion script.
DEB_PKGS += zsh
# libvdeplug (vdeplug4): a bus uplink joins a bus to other machines'
# over VDE (lab/uplink.c links -lvdeplug); vdeplug has its transport
# modules' manuals and vde_plug, to join a bus by hand.
DEB_PKGS += libvdeplug-dev vdeplug

deps:
	$(Q)missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing:" $$missing; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	else \
	    echo "deps: missing Debian packages; run as root:"; \
	    echo "    apt-get install $$missing"; exit 1; \
	fi
