# Shared helpers of bin/test and bin/demo. Source it, do not run it.
# shellcheck shell=bash

ADDON=support_ticket
ODOO_SERIES=19.0
PYTHON="${PYTHON:-python3}"
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# Scratch folders (addons link, configuration, filestore, logs) live outside the checkout.
# shellcheck disable=SC2034  # used by the scripts that source this file
SCRATCH_ROOT="${SUPPORT_TICKET_SCRATCH:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/$ADDON}"

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
section() { printf '\n== %s\n' "$*"; }

# Prints the series of the Odoo importable by $PYTHON, or nothing.
odoo_series() {
    "$PYTHON" -c 'import odoo.release; print(odoo.release.series)' 2>/dev/null || true
}

# Fails unless Odoo $ODOO_SERIES is importable by $PYTHON.
check_odoo() {
    local series
    series="$(odoo_series)"
    if [[ "$series" != "$ODOO_SERIES" ]]; then
        warn "ERROR: Odoo $ODOO_SERIES is not importable by '$PYTHON'" \
            "(import odoo.release gave: ${series:-an error})."
        warn "       Install Odoo $ODOO_SERIES and its requirements for that Python," \
            "or point PYTHON to a Python that has them."
        return 1
    fi
    say "Odoo $series from $("$PYTHON" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(r.__file__)))')"
}

# Starts the local PostgreSQL clusters when no server answers, and makes sure that
# the current user has a PostgreSQL role (created as superuser when running as root).
ensure_postgres() {
    local user
    user="$(id -un)"
    if [[ "$user" == postgres ]]; then
        warn "ERROR: Odoo refuses to run as the 'postgres' role; run this as another user."
        return 1
    fi
    if ! command -v psql >/dev/null 2>&1; then
        warn "ERROR: PostgreSQL client tools (psql) not found; install PostgreSQL."
        return 1
    fi
    if ! pg_isready -q >/dev/null 2>&1; then
        if command -v pg_lsclusters >/dev/null 2>&1; then
            local ver name _port status _rest
            while read -r ver name _port status _rest; do
                [[ -n "$ver" && "$status" != online* ]] || continue
                say "Starting PostgreSQL cluster $ver/$name"
                pg_ctlcluster "$ver" "$name" start || warn "WARNING: could not start cluster $ver/$name"
            done < <(pg_lsclusters --no-header 2>/dev/null)
        fi
        for _ in $(seq 1 30); do
            pg_isready -q >/dev/null 2>&1 && break
            sleep 1
        done
        if ! pg_isready -q >/dev/null 2>&1; then
            warn "ERROR: PostgreSQL is not running and could not be started."
            return 1
        fi
    fi
    if [[ "$(id -u)" == 0 ]] && command -v su >/dev/null 2>&1; then
        if [[ "$(cd / && su postgres -c "psql -XAtqc \"SELECT 1 FROM pg_roles WHERE rolname = '$user'\"" 2>/dev/null)" != 1 ]]; then
            say "Creating PostgreSQL superuser role '$user'"
            (cd / && su postgres -c "createuser -s '$user'") || {
                warn "ERROR: could not create the PostgreSQL role '$user'."
                return 1
            }
        fi
    fi
    if ! psql -XAtq -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
        warn "ERROR: cannot connect to PostgreSQL as '$user':"
        psql -XAtq -d postgres -c 'SELECT 1' >&2 || true
        return 1
    fi
}

# Makes sure that Debian's wkhtmltopdf is installed: Odoo renders the PDF of
# quotations and signed orders with it (tests fall back to HTML). Installs it with
# apt-get when missing and running as root; otherwise warns and returns 1.
ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null 2>&1 && return 0
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "Installing wkhtmltopdf (apt-get install wkhtmltopdf)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q wkhtmltopdf >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wkhtmltopdf >/dev/null; } || true
    fi
    if ! command -v wkhtmltopdf >/dev/null 2>&1; then
        warn "WARNING: wkhtmltopdf not found: quotations are sent without their PDF and" \
            "customers cannot sign them online. Install the 'wkhtmltopdf' package."
        return 1
    fi
}

# db_exists NAME
db_exists() {
    [[ "$(psql -XAtq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" == 1 ]]
}

# drop_db NAME: drops the database (if it exists)
drop_db() {
    dropdb --if-exists --force "$1" 2>/dev/null || dropdb --if-exists "$1"
}

# link_addon SCRATCH: SCRATCH/addons/$ADDON -> checkout, so that Odoo sees the addon
# under its technical name whatever the checkout's directory is called.
link_addon() {
    mkdir -p "$1/addons"
    ln -sfn "$CHECKOUT" "$1/addons/$ADDON"
}

# free_port FIRST: prints the first TCP port from FIRST on that is free on 127.0.0.1
free_port() {
    "$PYTHON" - "$1" <<'PY'
import socket
import sys

port = int(sys.argv[1])
for candidate in range(port, port + 200):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
    print(candidate)
    break
else:
    sys.exit("no free port")
PY
}

# write_config FILE SCRATCH HTTP_PORT [extra "key = value" lines...]
write_config() {
    local file="$1" scratch="$2" port="$3"
    shift 3
    {
        echo "[options]"
        echo "addons_path = $scratch/addons"
        echo "data_dir = $scratch/data"
        echo "; db_host, db_port, db_user, db_password: not set, so Odoo (like psql) uses"
        echo "; the PG* environment variables or else the local socket as the current user"
        echo "admin_passwd = admin"
        echo "http_interface = 127.0.0.1"
        echo "http_port = $port"
        echo "gevent_port = $((port + 3))"
        echo "workers = 0"
        echo "max_cron_threads = 0"
        echo "limit_time_real = 3600"
        echo "limit_time_cpu = 3600"
        echo "limit_time_real_cron = 0"
        local line
        for line in "$@"; do echo "$line"; done
    } >"$file"
}
