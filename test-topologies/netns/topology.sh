# The paper's Fig. 3 on one machine, in network namespaces. Sourced by tools/mirror-lab.
#
#   mt-src eth0 ── svc0 ┐                ┌ svc1 ── eth0 mt-dst      (traffic endpoints)
#                        mt-nsf: br0 (L2 forwarder, the NSF), SW TAP on svc0
#                        tun0 = VF 1 (mirror tunnel)
#                          │
#   mt-nic0: emulated PF pf0, embedded switch (representors, VLAN mirror, loopback, link state)
#                          │                       │
#                 mon0 = VF 2 in mt-nmf      uplink0 in mt-wire (the fabric side of the uplink)
#
# Everything it makes is named mt-* and is removed by lab_down, also after a crash.

# MT_LAB_ID lets several labs (tests next to a running demo) coexist: mt-<id>-src, PF pf-<id>, ...
if [ -n "${MT_LAB_ID:-}" ]; then
  NS_PREFIX=mt-$MT_LAB_ID-
  LAB_PF=pf-$MT_LAB_ID
  LAB_STATE=/run/mirrortunnel/lab-$MT_LAB_ID
else
  NS_PREFIX=mt-
  LAB_PF=pf0
  LAB_STATE=/run/mirrortunnel/lab
fi
NS_SRC=${NS_PREFIX}src NS_NSF=${NS_PREFIX}nsf NS_DST=${NS_PREFIX}dst
NS_NMF=${NS_PREFIX}nmf NS_NIC=${NS_PREFIX}nic0 NS_WIRE=${NS_PREFIX}wire
LAB_NAMESPACES=("$NS_SRC" "$NS_NSF" "$NS_DST" "$NS_NMF" "$NS_NIC" "$NS_WIRE")
LAB_TUNNEL_VF=1
LAB_MONITOR_VF=2
LAB_SRC_IP=192.0.2.1
LAB_DST_IP=192.0.2.2

NATIVE=${NATIVE:-$ROOT/native-tap/build}
MTAPCTL=$NATIVE/mtapctl
NICEMU=$NATIVE/nicemu

in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

lab_veth() { # ns_a if_a ns_b if_b
  ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
  in_ns "$1" ip link set "$2" up
  in_ns "$3" ip link set "$4" up
}

lab_up() {
  lab_down >/dev/null 2>&1
  mkdir -p "$LAB_STATE"
  local ns
  for ns in "${LAB_NAMESPACES[@]}"; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
    # IPv4 only: keeps router solicitations and MLD reports out of the demo's counts.
    in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  done

  lab_veth "$NS_SRC" eth0 "$NS_NSF" svc0
  lab_veth "$NS_NSF" svc1 "$NS_DST" eth0
  in_ns "$NS_SRC" ip addr add "$LAB_SRC_IP/24" dev eth0
  in_ns "$NS_DST" ip addr add "$LAB_DST_IP/24" dev eth0
  # The NSF forwards frames between its two service ports, as the paper's l2fwd does.
  in_ns "$NS_NSF" ip link add br0 type bridge
  in_ns "$NS_NSF" ip link set svc0 master br0
  in_ns "$NS_NSF" ip link set svc1 master br0
  in_ns "$NS_NSF" ip link set br0 up

  "$NICEMU" pf add "$LAB_PF" switch-netns "$NS_NIC" uplink-netns "$NS_WIRE" uplink-ifname uplink0
  "$NICEMU" vf add "$LAB_PF" "$LAB_TUNNEL_VF" netns "$NS_NSF" ifname tun0
  "$NICEMU" vf add "$LAB_PF" "$LAB_MONITOR_VF" netns "$NS_NMF" ifname mon0

  # The link-state switch: the TAP follows tun0's carrier (the paper's link-change callback).
  setsid "$MTAPCTL" -n "$NS_NSF" watch >"$LAB_STATE/watch.log" 2>&1 </dev/null &
  echo $! >"$LAB_STATE/watch.pid"
}

# A real host agent for the lab (mTLS on loopback, emulated NIC, state under $LAB_STATE/agent). It
# runs its own carrier watcher, so the lab's stops. Sets AGENT_ADDR; mirrorctl finds it through the
# MIRRORCTL_* variables this exports.
lab_agent_start() {
  local jar=$ROOT/host-agent/agent/target/mirror-agent.jar line
  "$ROOT/tools/mkcerts" "$LAB_STATE/certs" >/dev/null
  cat >"$LAB_STATE/agent.json" <<JSON
{
  "agent_id": "lab${MT_LAB_ID:+-$MT_LAB_ID}",
  "listen": "127.0.0.1:0",
  "state_dir": "$LAB_STATE/agent",
  "tls": {"cert": "certs/agent.pem", "key": "certs/agent.key", "client_ca": "certs/ca.pem"},
  "nic": {"driver": "emulated", "nicemu": "$NICEMU"},
  "tap": {"mtapctl": "$MTAPCTL"},
  "inventory": [{"pf": "$LAB_PF", "vfs": [
    {"vf": $LAB_TUNNEL_VF, "role": "tunnel", "netns": "$NS_NSF", "ifname": "tun0"},
    {"vf": $LAB_MONITOR_VF, "role": "monitor", "netns": "$NS_NMF", "ifname": "mon0"}]}]
}
JSON
  kill "$(cat "$LAB_STATE/watch.pid")" 2>/dev/null || true
  rm -f "$LAB_STATE/watch.pid"
  setsid java -jar "$jar" --config "$LAB_STATE/agent.json" >"$LAB_STATE/agent.out" 2>"$LAB_STATE/agent.log" \
    </dev/null &
  echo $! >"$LAB_STATE/agent.pid"
  local tries=300
  until line=$(head -n1 "$LAB_STATE/agent.out") && [[ $line =~ serving\ on\ ([^ ]+) ]]; do
    if ! kill -0 "$(cat "$LAB_STATE/agent.pid")" 2>/dev/null || [ $((tries -= 1)) -eq 0 ]; then
      echo "agent did not start: $(cat "$LAB_STATE/agent.log")" >&2
      return 1
    fi
    sleep 0.1
  done
  AGENT_ADDR=${BASH_REMATCH[1]}
  export MIRRORCTL_AGENT=$AGENT_ADDR MIRRORCTL_CA=$LAB_STATE/certs/ca.pem
  export MIRRORCTL_CERT=$LAB_STATE/certs/client.pem MIRRORCTL_KEY=$LAB_STATE/certs/client.key
}

lab_down() { # best effort at every step: it also cleans up after a crash halfway through up
  local ns pid
  for pid in "$LAB_STATE/watch.pid" "$LAB_STATE/agent.pid"; do
    [ -f "$pid" ] && { kill "$(cat "$pid")" 2>/dev/null || true; }
  done
  if [ -x "$NICEMU" ]; then "$NICEMU" pf del "$LAB_PF" || true; fi
  for ns in "${LAB_NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/sys/fs/bpf/mirrortunnel/tap/$ns"
  done
  rm -rf "$LAB_STATE"
}

lab_leftovers() { # prints what lab_down should have removed; empty when clean
  local ns
  for ns in "${LAB_NAMESPACES[@]}"; do
    [ -e "/run/netns/$ns" ] && echo "namespace $ns"
    [ -e "/sys/fs/bpf/mirrortunnel/tap/$ns" ] && echo "pins /sys/fs/bpf/mirrortunnel/tap/$ns"
  done
  [ -e "/sys/fs/bpf/mirrortunnel/nic/$LAB_PF" ] && echo "pins /sys/fs/bpf/mirrortunnel/nic/$LAB_PF"
  [ -e "$LAB_STATE" ] && echo "state $LAB_STATE"
  return 0
}

lab_status() {
  local ns
  for ns in "${LAB_NAMESPACES[@]}"; do
    if [ -e "/run/netns/$ns" ]; then
      printf '%-8s %s\n' "$ns" "$(in_ns "$ns" ip -br link | awk '$1 != "lo" {printf "%s(%s) ", $1, $2}')"
    else
      printf '%-8s absent\n' "$ns"
    fi
  done
  [ -e /run/netns/"$NS_NIC" ] || return 0
  "$NICEMU" pf show "$LAB_PF"
  "$MTAPCTL" -n "$NS_NSF" show
}
