#!/usr/bin/env bash
# Starts vfnet-server from build/ on 127.0.0.1:9696 with a SQLite database
# in build/up/ (the seed's ML2 config, etc/ml2_conf.ini), bootstraps the
# admin, shows the seed's port workflow with the real `openstack` CLI, and
# leaves the server running (stopped and restarted on the next run).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$PWD/build/up
port=${VFNET_PORT:-9696}
mkdir -p "$dir"
if [ -f "$dir/vfnet-server.pid" ] && kill -0 "$(cat "$dir/vfnet-server.pid")" 2>/dev/null; then
        kill "$(cat "$dir/vfnet-server.pid")"
        sleep 0.5
fi
rm -f "$dir"/vfnet.sqlite*
cat >"$dir/vfnet-server.conf" <<CONF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $port
[database]
connection = sqlite:///$dir/vfnet.sqlite
CONF
conf=(--config-file "$dir/vfnet-server.conf" --config-file etc/ml2_conf.ini)
build/src/cmd/vfnet-server "${conf[@]}" bootstrap --bootstrap-password admin
build/src/cmd/vfnet-server "${conf[@]}" >"$dir/vfnet-server.log" 2>&1 &
echo $! >"$dir/vfnet-server.pid"
pid=$(cat "$dir/vfnet-server.pid")
for _ in $(seq 100); do
        # Our server must be the one answering: another process may hold the port.
        kill -0 "$pid" 2>/dev/null || break
        curl -sf "http://127.0.0.1:$port/v3" >/dev/null && break
        sleep 0.05
done
if ! kill -0 "$pid" 2>/dev/null; then
        cat "$dir/vfnet-server.log" >&2
        echo "server-up: vfnet-server did not start (log above); VFNET_PORT=N picks another port" >&2
        exit 1
fi

export OS_AUTH_URL=http://127.0.0.1:$port/v3 OS_USERNAME=admin OS_PASSWORD=admin \
       OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
       OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
show() {
        echo
        echo "\$ $*"
        "$@" 2>&1 || echo "(exit status $?)"
}
show openstack network create --provider-network-type vlan --provider-physical-network physnet1 web
show openstack subnet create --network web --subnet-range 192.0.2.0/24 web-sub
show openstack port create --network web --vnic-type direct sr-iov
show openstack port set --no-security-group --disable-port-security sr-iov
show openstack network list
show openstack port list
cat <<MSG

vfnet-server is running (pid $(cat "$dir/vfnet-server.pid"), log $dir/vfnet-server.log).
Use it with:
  export OS_AUTH_URL=$OS_AUTH_URL OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin \\
         OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3
Stop it with: kill \$(cat $dir/vfnet-server.pid)
MSG
