"""Switching mirroring never costs the NSF a packet: sequence-numbered UDP crosses the NSF while the TAP
is attached and detached, its tunnel flaps, and mtapctl is killed; every datagram must arrive once.

Topology (as in test_tap.py): A (a0) <-> svc0 [NSF: bridge br0] svc1 <-> B (b0); tunnel tun0 <-> tunp in
monitor namespace M. mt-seq sends from A to B and from B to A, 12.5k datagrams/s each way (the rate
of the measurement that found the losses).
"""
import json
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import NATIVE_BUILD, PIN_ROOT
from test_tap import Events

MTAPCTL = str(NATIVE_BUILD / "mtapctl")
SEQ = str(NATIVE_BUILD / "mt-seq")
RATE = 12500
A_IP, B_IP = "10.9.0.1", "10.9.0.2"


class Path:
    def __init__(self, lab, hooks=None):
        self.lab = lab
        self.env = dict(os.environ, **({"MT_HOOKS": hooks} if hooks else {}))
        self.a, self.n, self.b, self.m = (lab.ns(x) for x in ("a", "nsf", "b", "mon"))
        for ns in (self.a, self.n, self.b, self.m):
            lab.run(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        lab.veth(self.a, "a0", self.n, "svc0", mac_a="02:00:00:00:09:01")
        lab.veth(self.b, "b0", self.n, "svc1", mac_a="02:00:00:00:09:02")
        lab.veth(self.n, "tun0", self.m, "tunp")
        lab.run(self.n, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
        for port in ("svc0", "svc1"):
            lab.run(self.n, "ip", "link", "set", port, "master", "br0")
        lab.run(self.n, "ip", "link", "set", "br0", "up")
        lab.run(self.a, "ip", "addr", "add", f"{A_IP}/24", "dev", "a0")
        lab.run(self.b, "ip", "addr", "add", f"{B_IP}/24", "dev", "b0")
        # Static neighbours: no datagram waits for (or is dropped by) address resolution.
        lab.run(self.a, "ip", "neigh", "replace", B_IP, "lladdr", "02:00:00:00:09:02", "dev", "a0", "nud", "permanent")
        lab.run(self.b, "ip", "neigh", "replace", A_IP, "lladdr", "02:00:00:00:09:01", "dev", "b0", "nud", "permanent")

    def ctl(self, *args, check=True):
        r = subprocess.run([MTAPCTL, "-n", self.n, *args], capture_output=True, text=True, timeout=30, env=self.env)
        if check:
            assert r.returncode == 0, f"mtapctl {' '.join(args)}: {r.stderr}"
        return r

    def spawn_ctl(self, *args, **kw):
        return self.lab.spawn(None, MTAPCTL, "-n", self.n, *args, env=self.env, **kw)

    def tx_dropped(self):
        links = json.loads(self.lab.run(self.n, "ip", "-s", "-j", "link").stdout)
        return {l["ifname"]: l["stats64"]["tx"]["dropped"] for l in links if l["ifname"] in ("svc0", "svc1")}

    def copies(self):
        [link] = json.loads(self.lab.run(self.m, "ip", "-s", "-j", "link", "show", "tunp").stdout)
        return link["stats64"]["rx"]["packets"]


class Traffic:
    """mt-seq both ways through the NSF, A to B (svc0's ingress) and B to A (its egress); stop() checks."""

    def __init__(self, path):
        self.flows = []
        for src, dst, dst_ip in ((path.a, path.b, B_IP), (path.b, path.a, A_IP)):
            recv = path.lab.spawn(dst, SEQ, "recv", stdout=subprocess.PIPE, text=True)
            assert recv.stdout.readline().strip() == "ready"
            send = path.lab.spawn(src, SEQ, "send", "-r", str(RATE), dst_ip, stdout=subprocess.PIPE, text=True)
            self.flows.append((send, recv))
        time.sleep(0.3)

    def stop(self):
        """(sent, receiver report) per direction."""
        for send, _ in self.flows:
            send.send_signal(signal.SIGINT)
        sent = [json.loads(send.communicate(timeout=10)[0]) for send, _ in self.flows]
        time.sleep(0.5)
        for _, recv in self.flows:
            recv.send_signal(signal.SIGINT)
        return list(zip(sent, (json.loads(recv.communicate(timeout=10)[0]) for _, recv in self.flows)))


def assert_nothing_lost(path, traffic, dropped_before):
    for direction, (sent, got) in zip(("A to B", "B to A"), traffic.stop()):
        assert got["socket_drops"] == 0, f"{direction}: the receiver overflowed ({got}): the run proves nothing"
        assert sent["sent"] > RATE, sent
        assert (got["unique"], got["duplicates"], got["out_of_range"]) == (sent["sent"], 0, 0), \
            f"{direction}: sent {sent}, received {got}"
        print(f"{direction}: {sent['sent']} datagrams sent, all received once ({got['reordered']} out of order)")
    assert path.tx_dropped() == dropped_before


class Watch(Events):
    """mtapctl watch and its events."""

    def __init__(self, path):
        super().__init__(path.spawn_ctl("watch", stdout=subprocess.PIPE))
        assert self.next() == {"event": "ready"}

    def until_hooks(self, attached):
        """Events up to the one that switches the last hook (rx and tx session: two hooks)."""
        hooks = set()
        while len(hooks) < 2:
            e = self.next(timeout=5.0)
            if e["event"] == "hook":
                assert e["attached"] is attached, e
                hooks.add(e["hook"])


@pytest.fixture(params=[None, "tc"], ids=["tcx", "clsact"])
def path(lab, request):
    return Path(lab, request.param)


def test_a_flap_storm_loses_no_datagram(path):
    path.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100")
    watch = Watch(path)
    dropped = path.tx_dropped()
    copies = path.copies()
    traffic = Traffic(path)
    for _ in range(100):
        path.lab.run(path.m, "ip", "link", "set", "tunp", "down")
        watch.until_hooks(False)
        path.lab.run(path.m, "ip", "link", "set", "tunp", "up")
        watch.until_hooks(True)
    assert_nothing_lost(path, traffic, dropped)
    assert path.copies() > copies, "the TAP never mirrored: the storm switched nothing"


def test_attach_and_detach_lose_no_datagram(path):
    if path.env.get("MT_HOOKS") == "tc":
        # Without tcx the port's first session makes its clsact, once for the port's lifetime: making a
        # qdisc can drop packets in flight, so it happens here, before the count starts.
        path.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100")
        path.ctl("detach", "svc0")
    dropped = path.tx_dropped()
    traffic = Traffic(path)
    for i in range(40):
        path.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "direction",
                 ("rx", "tx", "both")[i % 3])
        path.ctl("attach", "svc0", "session", "2", "tunnel", "tun0", "vlan", "200")
        path.ctl("detach", "svc0", "session", "1")
        path.ctl("detach", "svc0")
    assert_nothing_lost(path, traffic, dropped)


def test_mtapctl_killed_anywhere_loses_no_datagram_and_leaves_a_consistent_tap(path):
    path.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100")
    dropped = path.tx_dropped()
    traffic = Traffic(path)
    rng = random.Random(11)
    for i in range(30):
        watch = path.spawn_ctl("watch")
        proc = path.spawn_ctl("attach", "svc0", "session", str(2 + i % 2), "tunnel", "tun0", "vlan", str(200 + i))
        path.lab.run(path.m, "ip", "link", "set", "tunp", "down" if i % 2 else "up")
        time.sleep(rng.uniform(0, 0.01))
        for p in (proc, watch):
            p.send_signal(signal.SIGKILL)
            p.wait()
    assert_nothing_lost(path, traffic, dropped)
    # What a killed run left is repaired by the next reconcile: hooks as the carrier says, no stray link.
    path.lab.run(path.m, "ip", "link", "set", "tunp", "up")
    path.ctl("watch", "--once")
    [dev] = json.loads(path.ctl("-j", "show").stdout)
    assert dev["hooks"] == {"ingress": True, "egress": True}
    assert all(s["active"] for s in dev["sessions"])
    path.ctl("detach", "svc0")
    assert json.loads(path.ctl("-j", "show").stdout) == []
    assert not (PIN_ROOT / "tap" / path.n).exists()
    copies = path.copies()
    traffic = Traffic(path)
    traffic.stop()
    assert path.copies() == copies, "a TAP program left behind still mirrors"
