"""The DPDK TAP (native-tap/dpdk) inside mt-l2fwd, on real namespaces and veth pairs.

Topology: endpoint A (a0) <-> n0 [NSF: mt-l2fwd forwards n0 <-> n1 through net_af_packet] n1 <-> endpoint B
(b0); the NSF's tunnel tun0 (net_af_packet) <-> m0 in monitor namespace M, or a net_tap tunnel whose
kernel side mtap0 lives in the NSF's namespace. Frames A->B are received on n0 (rx), frames B->A sent on
it (tx). mt-l2fwd forwards them unchanged, so what B (or A) receives is the NSF's own traffic after the
TAP; what arrives on the tunnel's far side are the copies.
"""
import json
import select
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from scapy.all import ARP, IP, TCP, UDP, IPv6, Ether, raw

import test_tap as ebpf
from conftest import NATIVE_BUILD
from test_tap import MAC_A, MAC_B, a2b, b2a, copies_of, udp

L2FWD = str(NATIVE_BUILD / "dpdk" / "mt-l2fwd")
MTAPCTL = str(NATIVE_BUILD / "mtapctl")
PORT = "net_af_packet0"  # n0
TUNNEL = "net_af_packet2"  # tun0


class Control:
    """One connection to the TAP's control socket: a JSON request per line, a JSON reply per line."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.file = self.sock.makefile("rw")

    def send_raw(self, line):
        self.file.write(line + "\n")
        self.file.flush()
        return json.loads(self.file.readline())

    def __call__(self, **request):
        return self.send_raw(json.dumps(request))

    def events(self, count, timeout=5.0):
        """The next count event lines, each with the time it was read."""
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < count:
            self.sock.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                line = self.file.readline()
            except TimeoutError:
                raise AssertionError(f"got {out}, expected {count} events") from None
            out.append((time.monotonic(), json.loads(line)))
        self.sock.settimeout(10)
        return out

    def close(self):
        self.file.close()
        self.sock.close()


class Nsf:
    """mt-l2fwd in the NSF namespace; tunnel "af_packet" is tun0 <-> m0, "tap" is net_tap on mtap0."""

    def __init__(self, topo, tunnel="af_packet", lcores="0", off=None):
        lab = topo.lab
        self.ctl_path = str(Path(lab.tmp) / f"ctl-{uuid.uuid4().hex[:6]}")
        vdevs = ["--vdev", "net_af_packet0,iface=n0", "--vdev", "net_af_packet1,iface=n1"]
        if tunnel == "af_packet":
            vdevs += ["--vdev", "net_af_packet2,iface=tun0"]
            self.tunnel = TUNNEL
        else:
            vdevs += ["--vdev", "net_tap0,iface=mtap0"]
            self.tunnel = "net_tap0"
        argv = [L2FWD, "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry", "-l", lcores,
                "--log-level=pmd.net.tap:crit"] + vdevs + ["--", "--tunnel", self.tunnel, "--ctl", self.ctl_path,
                                                          "--idle-us", "100"]
        if off:
            argv += ["--off", off]
        self.proc = lab.spawn(topo.n, *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline().strip() if ready else ""
        if line != "ready":
            self.proc.kill()
            raise AssertionError(f"mt-l2fwd did not start: {line!r} {self.proc.stderr.read()}")
        self.ctl = Control(self.ctl_path)

    def set(self, session=7, vlans=(100,), **kw):
        reply = self.ctl(cmd="set", port=PORT, session=session, tunnel=self.tunnel, vlans=list(vlans), **kw)
        assert reply == {"ok": True}, reply
        return reply

    def show(self):
        reply = self.ctl(cmd="show")
        assert reply["ok"], reply
        return reply

    def stats(self, session=7):
        reply = self.ctl(cmd="stats", port=PORT, session=session)
        assert reply["ok"], reply
        return reply["stats"][0]

    def stop(self):
        """SIGTERM; returns mt-l2fwd's port counters."""
        self.ctl.close()
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=20)
        assert self.proc.returncode == 0, err
        return json.loads(out)


class Topo(ebpf.Topo):
    """The eBPF TAP tests' endpoints and sending, around mt-l2fwd instead of a bridge."""

    def __init__(self, lab):
        self.lab = lab
        self.a, self.n, self.b, self.m = (lab.ns(x) for x in ("a", "nsf", "b", "mon"))
        for ns in (self.a, self.n, self.b, self.m):
            # No IPv6 autoconfiguration chatter to be forwarded or mirrored.
            lab.run(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        links = ((self.a, "a0", "n0", MAC_A), (self.b, "b0", "n1", MAC_B), (self.m, "m0", "tun0", None))
        for ns, dev, peer, mac in links:
            lab.veth(ns, dev, self.n, peer, mac_a=mac)

    def exchange(self, a_to_b=(), b_to_a=(), tunnel=("mon", "m0")):
        """Sends frames both ways; returns (received at B, received at A, frames on the tunnel's far side,
        an interface in namespace "mon" or "nsf"; None: not captured)."""
        # Only what arrives from the NSF: a capture also sees its own namespace's sends.
        cap_b = self.lab.capture(self.b, "b0", "not", "ether", "src", MAC_B)
        cap_a = self.lab.capture(self.a, "a0", "not", "ether", "src", MAC_A)
        cap_m = self.lab.capture(self.m if tunnel[0] == "mon" else self.n, tunnel[1]) if tunnel else None
        if a_to_b:
            self.send(self.a, "a0", list(a_to_b))
        if b_to_a:
            self.send(self.b, "b0", list(b_to_a))
        return cap_b.stop(), cap_a.stop(settle=0), cap_m.stop(settle=0) if cap_m else []


@pytest.fixture
def topo(lab):
    return Topo(lab)


def test_copies_are_tagged_and_the_nsf_traffic_is_unchanged(topo):
    nsf = Nsf(topo, lcores="0-1")
    fwd = [a2b(0), a2b(1, tag=7), a2b(2, size=1400),
           Ether(src=MAC_A, dst=MAC_B) / IPv6(src="2001:db8:1::1", dst="2001:db8:2::1") / TCP(sport=7, dport=80),
           Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.1.0.1", pdst="10.2.0.1")]
    rev = [b2a(0), b2a(1, tag=4094, size=300), b2a(2)]
    for direction, expect in (("rx", fwd), ("tx", rev), ("both", fwd + rev)):
        nsf.set(direction=direction)
        callbacks = nsf.show()["ports"][0]["callbacks"]
        assert callbacks == {"rx": direction != "tx", "tx": direction != "rx"}, direction
        at_b, at_a, far = topo.exchange(fwd, rev)
        # The NSF's frames arrive byte for byte as sent, tags included, in both directions.
        assert [raw(p) for p in at_b] == [raw(f) for f in fwd]
        assert [raw(p) for p in at_a] == [raw(f) for f in rev]
        # Each copy is the original frame, its own tag inside, with the session's tag outside.
        assert sorted(copies_of(far)) == sorted((100, raw(f)) for f in expect), direction
        assert len(far) == len(expect)
    # Counted per lcore: lcore 0 receives on n0 (rx), lcore 1 forwards B's frames out of n0 (tx).
    s = nsf.stats()
    rounds = len(fwd) * 2 + len(rev) * 2
    assert (s["seen"], s["mirrored"], s["filtered"], s["sampled"], s["errors"]) == (rounds, rounds, 0, 0, 0)
    per = {c["lcore"]: c["seen"] for c in s["lcores"]}
    assert per == {0: len(fwd) * 2, 1: len(rev) * 2}
    tunnel = nsf.show()["tunnels"][0]
    assert tunnel["shared_txq"] is True and tunnel["ifname"] == "tun0"
    counters = {p["port"]: p for p in nsf.stop()["ports"]}
    assert counters[PORT]["rx"] == 3 * len(fwd) and counters[PORT]["dropped"] == 0


def test_filters_select_copies_and_counters_add_up(topo):
    nsf = Nsf(topo)
    nsf.set(session=1, vlans=[101], filter={"src": "10.1.0.0/16", "proto": "udp", "dport": 5000})
    nsf.set(session=2, vlans=[102], filter={"dst": "2001:db8:2::/48"})
    nsf.set(session=3, vlans=[103], filter={"sport": 1001, "proto": 17})
    v6 = Ether(src=MAC_A, dst=MAC_B) / IPv6(src="2001:db8:1::1", dst="2001:db8:2::5") / UDP(sport=1, dport=5000)
    other = udp("10.9.0.1", "10.2.0.1", 1001, 6000)
    arp = Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.1.0.1", pdst="10.2.0.1")
    frames = [a2b(0), a2b(1), v6, other, arp]
    _, _, far = topo.exchange(frames)
    got = sorted(copies_of(far))
    assert got == sorted([(101, raw(a2b(0))), (101, raw(a2b(1))), (102, raw(v6)), (103, raw(a2b(1))),
                          (103, raw(other))])
    expected = {1: (5, 2, 3), 2: (5, 1, 4), 3: (5, 2, 3)}
    for session, (seen, mirrored, filtered) in expected.items():
        s = nsf.stats(session)
        assert (s["seen"], s["mirrored"], s["filtered"], s["errors"]) == (seen, mirrored, filtered, 0), session
    shown = {s["session"]: s["filter"] for s in nsf.show()["ports"][0]["sessions"]}
    assert shown == {1: {"src": "10.1.0.0/16", "proto": 17, "dport": 5000}, 2: {"dst": "2001:db8:2::/48"},
                     3: {"proto": 17, "sport": 1001}}



def test_net_and_port_match_either_side(topo):
    """The eBPF TAP's net and port: requests and their replies, both directions of the NSF."""
    nsf = Nsf(topo)
    nsf.set(session=1, vlans=[101], filter={"proto": "udp", "port": 5000})
    nsf.set(session=2, vlans=[102], filter={"net": "10.2.0.0/16"})
    nsf.set(session=3, vlans=[103], filter={"net": "2001:db8:2::/48", "port": 53, "src": "2001:db8::/32"})
    req = [udp(f"10.1.{i}.{i + 1}", f"10.{2 + i % 2}.0.9", 1024 + 7 * i, 5000) for i in range(8)]
    rep = [udp(f"10.{2 + i % 2}.0.9", f"10.1.{i}.{i + 1}", 5000, 1024 + 7 * i, mac_src=MAC_B, mac_dst=MAC_A)
           for i in range(8)]
    v6 = lambda s, d, sp, dp, **kw: Ether(**kw) / IPv6(src=s, dst=d) / UDP(sport=sp, dport=dp)
    dns = [v6("2001:db8:1::1", "2001:db8:2::53", 40000, 53, src=MAC_A, dst=MAC_B),
           v6("2001:db8:2::53", "2001:db8:1::1", 53, 40000, src=MAC_B, dst=MAC_A)]
    other = [udp("10.1.0.1", "10.3.0.9", 5001, 6000), v6("2001:db8:1::1", "2001:db8:3::53", 1, 53, src=MAC_A,
                                                          dst=MAC_B)]
    _, _, far = topo.exchange(req + dns[:1] + other, rep + dns[1:])
    even = [f for i, f in enumerate(req + rep) if i % 2 == 0]  # 10.2.0.9 on one side
    assert sorted(copies_of(far)) == sorted([(101, raw(f)) for f in req + rep] + [(102, raw(f)) for f in even] +
                                            [(103, raw(f)) for f in dns])
    frames = len(req + rep + dns + other)
    for session, mirrored in ((1, 16), (2, 8), (3, 2)):
        s = nsf.stats(session)
        assert (s["seen"], s["mirrored"], s["filtered"]) == (frames, mirrored, frames - mirrored), session
    shown = {s["session"]: s["filter"] for s in nsf.show()["ports"][0]["sessions"]}
    assert shown == {1: {"proto": 17, "port": 5000}, 2: {"net": "10.2.0.0/16"},
                     3: {"src": "2001:db8::/32", "net": "2001:db8:2::/48", "port": 53}}


def test_sampling_mirrors_every_nth_matching_packet(topo):
    nsf = Nsf(topo)
    nsf.set(sample=3, direction="rx", filter={"proto": "udp"})
    frames = [a2b(i) for i in range(10)]
    _, _, far = topo.exchange(frames + [Ether(src=MAC_A, dst=MAC_B) / IP(src="10.1.0.1", dst="10.2.0.1") / TCP()])
    assert copies_of(far) == [(100, raw(frames[i])) for i in (2, 5, 8)]
    s = nsf.stats()
    assert (s["seen"], s["mirrored"], s["filtered"], s["sampled"]) == (11, 3, 1, 7)


def test_vlan_by_flow_hash_is_symmetric_and_the_same_as_the_ebpf_tap(topo):
    """A flow goes to one VLAN in both directions, flows spread over the VLANs, and the DPDK TAP picks the
    VLAN the eBPF TAP picks for the same flow (the eBPF TAP watches A's own a0)."""
    lab = topo.lab
    vlans = [10, 20, 30, 40]
    nsf = Nsf(topo)
    nsf.set(vlans=vlans)
    lab.run(topo.a, "ip", "link", "add", "ta0", "type", "veth", "peer", "name", "ta1")
    for dev in ("ta0", "ta1"):
        lab.run(topo.a, "ip", "link", "set", dev, "up")
    subprocess.run([MTAPCTL, "-n", topo.a, "attach", "a0", "session", "1", "tunnel", "ta0", "vlan", "10,20,30,40"],
                   check=True, capture_output=True)
    try:
        flows = [(f"10.1.0.{i}", f"10.2.0.{i}", 1000 + i, 2000 + 7 * i) for i in range(1, 13)]
        fwd = [udp(s, d, sp, dp) for s, d, sp, dp in flows]
        rev = [udp(d, s, dp, sp, mac_src=MAC_B, mac_dst=MAC_A) for s, d, sp, dp in flows]
        cap_ebpf = lab.capture(topo.a, "ta1")
        _, _, far = topo.exchange(fwd, rev)
        ebpf = copies_of(cap_ebpf.stop(settle=0))
    finally:
        subprocess.run([MTAPCTL, "-n", topo.a, "detach", "a0"], capture_output=True)
    dpdk = dict((frame, vlan) for vlan, frame in copies_of(far))
    assert len(dpdk) == 2 * len(flows)
    for f, r in zip(fwd, rev):
        assert dpdk[raw(f)] == dpdk[raw(r)]
    assert len({dpdk[raw(f)] for f in fwd}) >= 2
    assert dict((frame, vlan) for vlan, frame in ebpf) == dpdk



def test_fragments_stay_on_one_vlan_and_follow_port_filters(topo):
    """The eBPF TAP's fragment rules: a datagram's fragments and its address pair's packets on one VLAN; a port
    filter's later fragments decided by their first fragment (a table per port and lcore). IPv6 fragments
    here: net_af_packet reassembles IPv4 ones before the NSF sees them (test_dpdk_chains.py has those)."""
    nsf = Nsf(topo)
    nsf.set(session=1, vlans=[10, 11, 12, 13])
    fwd, rev = ebpf.many_flows(families=(6,))
    v4, v4_rev = ebpf.many_flows(families=(4,))
    fwd += [f for f in v4 if f[IP].flags.MF == 0 and f[IP].frag == 0]
    rev += [f for f in v4_rev if f[IP].flags.MF == 0 and f[IP].frag == 0]
    at_b, _, far = topo.exchange(fwd, rev)
    assert [raw(p) for p in at_b] == [raw(f) for f in fwd]
    got = copies_of(far)
    assert sorted(data for _, data in got) == sorted(raw(f) for f in fwd + rev)
    vlan_of = ebpf.vlans_by_address_pair(got)
    assert len(vlan_of) == 32
    ebpf.assert_spread(vlan_of)

    assert nsf.ctl(cmd="remove", port="n0", session=1) == {"ok": True}
    nsf.set(session=2, vlans=[30, 31], filter={"proto": "udp", "port": 5000})
    fwd, rev, match, miss = ebpf.port_fragments(families=(6,))
    _, _, far = topo.exchange(fwd, rev)
    got = copies_of(far)
    assert sorted(data for _, data in got) == sorted(raw(f) for f in match)
    ebpf.vlans_by_address_pair(got)
    s = nsf.stats(2)
    assert (s["seen"], s["mirrored"], s["filtered"], s["errors"]) == (len(fwd + rev), len(match), len(miss), 0)


def test_snaplen_cuts_copies_only(topo):
    nsf = Nsf(topo)
    nsf.set(snaplen=64)
    fwd = [a2b(0), a2b(1, size=1000), a2b(2, size=200, tag=9)]
    at_b, _, far = topo.exchange(fwd)
    assert [raw(p) for p in at_b] == [raw(f) for f in fwd]
    # The copy holds the first 64 bytes of the original frame (its own tag counted), the session tag aside.
    assert sorted(copies_of(far)) == sorted((100, raw(f)[:64]) for f in fwd)
    assert all(len(p) == min(len(f), 64) + 4 for p, f in zip(far, fwd))


@pytest.mark.parametrize("tunnel,ns,dev", [("af_packet", "m", "m0"), ("tap", "n", "mtap0")])
def test_link_switch_follows_the_tunnel(topo, tunnel, ns, dev):
    """tun0's carrier (its peer m0 set down; net_af_packet itself always reports up) or the net_tap port's
    link (mtap0 set down; net_tap advertises LSC interrupts but raises none). Tunnel down: no callback
    runs (seen stays), the NSF's frames still flow; up: copies again."""
    nsf = Nsf(topo, tunnel=tunnel)
    nsf.set()
    watch = Control(nsf.ctl_path)
    assert watch(cmd="watch") == {"ok": True}
    assert [e for _, e in watch.events(2)] == [
        {"event": "link", "tunnel": nsf.tunnel, "up": True},
        {"event": "session", "port": PORT, "session": 7, "tunnel": nsf.tunnel, "active": True}]
    ns = getattr(topo, ns)
    for state in (False, True):
        t0 = time.monotonic()
        topo.lab.run(ns, "ip", "link", "set", dev, "up" if state else "down")
        events = watch.events(4)
        kinds = {(e["event"], e.get("direction")) for _, e in events}
        assert kinds == {("link", None), ("session", None), ("callbacks", "rx"), ("callbacks", "tx")}
        assert all(e.get("up", e.get("active", e.get("on"))) is state for _, e in events)
        took = max(t for t, _ in events) - t0
        assert took < 0.5, took
        seen = nsf.stats()["seen"]
        frames = [a2b(i) for i in range(5)]
        # A capture cannot open a down interface: while off, the counters tell.
        far = ("mon" if ns == topo.m else "nsf", dev) if state else None
        at_b, _, copies = topo.exchange(frames, tunnel=far)
        assert [raw(p) for p in at_b] == [raw(f) for f in frames]
        assert copies_of(copies) == ([(100, raw(f)) for f in frames] if state else [])
        s = nsf.stats()
        assert (s["seen"], s["mirrored"]) == ((seen + 5, seen + 5) if state else (seen, seen))
        assert nsf.show()["ports"][0]["callbacks"] == {"rx": state, "tx": state}
    assert nsf.show()["tunnels"][0]["lsc"] is (tunnel == "tap")


def test_gate_mode_keeps_callbacks_and_does_no_work_while_off(topo):
    nsf = Nsf(topo, off="gate")
    assert nsf.show()["ports"][0]["callbacks"] == {"rx": True, "tx": True}
    nsf.set()
    topo.lab.run(topo.m, "ip", "link", "set", "m0", "down")
    deadline = time.monotonic() + 2
    while nsf.show()["ports"][0]["sessions"][0]["active"] and time.monotonic() < deadline:
        time.sleep(0.01)
    at_b, _, _ = topo.exchange([a2b(0), a2b(1)], tunnel=None)
    assert len(at_b) == 2 and nsf.stats()["seen"] == 0
    assert nsf.show()["off_mode"] == "gate"


def test_set_is_idempotent_and_remove_stops_copies(topo):
    nsf = Nsf(topo)
    nsf.set(filter={"proto": "udp"})
    topo.exchange([a2b(0)])
    before = nsf.show()
    nsf.set(filter={"proto": "udp"})
    assert nsf.show() == before and nsf.stats()["mirrored"] == 1
    assert nsf.ctl(cmd="remove", port="n0", session=7) == {"ok": True}
    _, _, far = topo.exchange([a2b(1)])
    assert copies_of(far) == []
    assert nsf.show()["ports"][0] == {**before["ports"][0], "sessions": [], "callbacks": {"rx": False, "tx": False}}
    # A new session in the freed slot starts from zero.
    nsf.set(session=8)
    assert nsf.stats(8)["seen"] == 0


BAD = [
    ("{", "bad JSON"),
    ("[1]", "JSON object"),
    ('{"cmd":"start"}', "unknown command"),
    ('{"cmd":7}', "cmd: expected a string"),
    ('{"cmd":"show","x":1}', "unknown key 'x'"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[100],"colour":1}', "unknown key 'colour'"),
    ('{"cmd":"set","session":7,"tunnel":"tun0","vlans":[100]}', "port: missing"),
    ('{"cmd":"set","port":"eth9","session":7,"tunnel":"tun0","vlans":[100]}', "no port 'eth9'"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"n1","vlans":[100]}', "no tunnel 'n1'"),
    ('{"cmd":"set","port":"n0","session":0,"tunnel":"tun0","vlans":[100]}', "out of range 1..65535"),
    ('{"cmd":"set","port":"n0","session":"7","tunnel":"tun0","vlans":[100]}', "session: expected an integer"),
    ('{"cmd":"set","port":"n0","session":7.5,"tunnel":"tun0","vlans":[100]}', "session: expected an integer"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0"}', "vlans: missing"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[]}', "1..8 VLAN ids"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[1,2,3,4,5,6,7,8,9]}', "1..8 VLAN ids"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[4095]}', "1..4094"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5,5]}', "given twice"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"direction":"in"}', "rx, tx or both"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"sample":0}', "sample: 0 is out of range"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"snaplen":63}', "snaplen: 0"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"src":"10.0.0.1/8"}}',
     "host bits zero"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"src":"10.0.0.0/8",'
     '"dst":"2001:db8::/32"}}', "one address family"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"proto":"gre"}}', "not tcp, udp"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"proto":256}}', "0..255"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"dport":65536}}', "0..65535"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"ttl":1}}',
     "filter: unknown key 'ttl'"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":"udp"}', "filter: expected an object"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"net":"10.0.0.1/8"}}',
     "filter.net: '10.0.0.1/8' is not"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"net":["10.0.0.0/8"]}}',
     "filter.net: expected a string"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"dst":"10.0.0.0/8",'
     '"net":"2001:db8::/32"}}', "one address family"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"port":65536}}',
     "filter.port: expected a port number"),
    ('{"cmd":"set","port":"n0","session":7,"tunnel":"tun0","vlans":[5],"filter":{"port":"http"}}',
     "filter.port: expected a port number"),
    ('{"cmd":"remove","port":"n0","session":9}', "has no session 9"),
    ('{"cmd":"stats","port":"n0","session":9}', "has no session 9"),
    ('{"cmd":"stats","session":1}', "give the port too"),
    ('{"cmd":"set","cmd":"set"}', "bad JSON"),
]


def test_bad_commands_get_an_error_and_change_nothing(topo):
    nsf = Nsf(topo)
    nsf.set(session=1, vlans=[5, 6], sample=2, filter={"src": "10.1.0.0/16"})
    before = nsf.show()
    for line, word in BAD:
        reply = nsf.ctl.send_raw(line)
        assert reply["ok"] is False and word in reply["error"], (line, reply)
        assert set(reply) == {"ok", "error"}
    assert nsf.show() == before
    # A 17th session is refused, the 16 stay.
    for session in range(2, 17):
        nsf.set(session=session)
    reply = nsf.ctl(cmd="set", port=PORT, session=17, tunnel=TUNNEL, vlans=[5])
    assert reply == {"ok": False, "error": f"port {PORT} has 16 sessions already"}
    assert len(nsf.show()["ports"][0]["sessions"]) == 16
    # The connection still serves commands.
    assert nsf.ctl(cmd="stats", port="n0", session=1)["ok"]


@pytest.mark.parametrize("args,word", [
    (["--", "--tunnel", "net_af_packet9"], "no DPDK port"),
    (["--", "--tunnel", "net_af_packet2", "--burst", "0"], "out of range"),
    (["--", "--tunnel", "net_af_packet2", "--off", "never"], "not unregister or gate"),
    (["--", "--tunnel", "net_af_packet1,net_af_packet2"], "forwarding needs pairs"),
    (["--", "--tunnel", "net_af_packet2", "--ctl", "/nonexistent/dir/ctl"], "cannot listen"),
])
def test_bad_arguments_fail_with_one_line(topo, args, word):
    argv = [L2FWD, "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0",
            "--log-level=lib.eal:crit", "--vdev", "net_af_packet0,iface=n0", "--vdev", "net_af_packet1,iface=n1",
            "--vdev", "net_af_packet2,iface=tun0"] + args
    result = topo.lab.run(topo.n, *argv, check=False)
    assert result.returncode in (1, 2)
    assert result.stderr.count("mt-l2fwd: ") == 1 and word in result.stderr, result.stderr
