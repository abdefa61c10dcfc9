# Sourced, not run: starts a throwaway PostgreSQL cluster for tests and benchmarks.
#
#   pg_cluster_start   -> 0 and exports FANLINE_TEST_PG_URL, FANLINE_TEST_PG_RESTART and
#                         FANLINE_TEST_PG_PASSWORD_GROUP (members of this role must give their
#                         password);
#                         1 (and a reason in PG_CLUSTER_WHY) when no server can be started.
#
# The server refuses to run as root, so as root it runs as the `postgres` user (created when
# missing); otherwise as the caller. Data and the Unix socket live in a mktemp directory;
# the server listens on no TCP port at all, so it never collides with anything. An EXIT trap
# stops it and removes the directory.

pg_cluster_find_bin() {
  local d
  for d in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" \
    /usr/local/bin /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

pg_cluster_start() {
  local bin
  if ! bin="$(pg_cluster_find_bin)"; then
    PG_CLUSTER_WHY="no initdb/pg_ctl on this machine and FANLINE_TEST_PG_URL unset"
    return 1
  fi
  PG_CLUSTER_DIR="$(mktemp -d /tmp/fanline-pg.XXXXXX)"
  chmod 755 "$PG_CLUSTER_DIR"
  local as=()
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    chown postgres "$PG_CLUSTER_DIR"
    as=(runuser -u postgres --)
  fi
  trap pg_cluster_stop EXIT
  local data="$PG_CLUSTER_DIR/data" port=5432
  if ! "${as[@]}" "$bin/initdb" -D "$data" -U fanline --auth=trust -E UTF8 --no-locale \
    >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
    cat "$PG_CLUSTER_DIR/initdb.log"
    PG_CLUSTER_WHY="initdb failed"
    return 1
  fi
  # Trust for everyone except members of one group role, who must give their password
  # (scram-sha-256), so the tests can see a wrong password refused. The first matching pg_hba
  # line wins; the tests create the group and their members.
  local hba="$data/pg_hba.conf"
  { echo "local all +fanline_pw scram-sha-256"; cat "$hba"; } >"$PG_CLUSTER_DIR/hba.tmp"
  cat "$PG_CLUSTER_DIR/hba.tmp" >"$hba" && rm "$PG_CLUSTER_DIR/hba.tmp"
  # No TCP listener; the socket in the temp dir. fsync off: a throwaway cluster needs no
  # crash durability, and the shared disk is slow (benchmarks say which settings they used).
  local opts="-c listen_addresses='' -c unix_socket_directories='$PG_CLUSTER_DIR' -c port=$port"
  opts="$opts -c max_connections=200 -c fsync=off ${PG_CLUSTER_EXTRA_OPTS:-}"
  PG_CLUSTER_CTL=("${as[@]}" "$bin/pg_ctl" -D "$data" -l "$PG_CLUSTER_DIR/server.log" -w -o "$opts")
  if ! "${PG_CLUSTER_CTL[@]}" start >/dev/null; then
    cat "$PG_CLUSTER_DIR/server.log"
    PG_CLUSTER_WHY="the server did not start"
    return 1
  fi
  local sock="${PG_CLUSTER_DIR//\//%2F}"
  export FANLINE_TEST_PG_URL="postgresql://fanline@$sock:$port/postgres"
  export FANLINE_TEST_PG_PASSWORD_GROUP=fanline_pw
  # How the restart test bounces the server (fast shutdown drops every connection).
  export FANLINE_TEST_PG_RESTART="${PG_CLUSTER_CTL[*]@Q} -m fast restart"
  return 0
}

pg_cluster_stop() {
  if [ -n "${PG_CLUSTER_DIR:-}" ] && [ -d "$PG_CLUSTER_DIR" ]; then
    "${PG_CLUSTER_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_CLUSTER_DIR"
  fi
}
