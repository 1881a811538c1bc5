"""The whole one-host data path of the lab: SW TAP -> tunnel VF -> emulated NIC -> monitor VF or uplink.

Runs tools/mirror-lab with its own MT_LAB_ID, so it never touches a lab a user has up.
"""
import json
import os
import subprocess
import time
import uuid

import pytest
from scapy.all import Dot1Q, ICMP

from conftest import NATIVE_BUILD, ROOT, in_netns

VLAN = 100


class LabTopology:
    def __init__(self, lab):
        self.lab = lab
        self.id = uuid.uuid4().hex[:4]
        self.env = dict(os.environ, MT_LAB_ID=self.id)
        prefix = f"mt-{self.id}-"
        self.src, self.nsf, self.nmf, self.wire = (prefix + n for n in ("src", "nsf", "nmf", "wire"))
        self.pf = f"pf-{self.id}"

    def mirror_lab(self, *args, check=True):
        return subprocess.run([str(ROOT / "tools" / "mirror-lab"), *args], env=self.env, check=check,
                              capture_output=True, text=True, timeout=120)

    def nicemu(self, *args):
        subprocess.run([str(NATIVE_BUILD / "nicemu"), *args], check=True, capture_output=True, text=True)

    def mtapctl(self, *args):
        out = subprocess.run([str(NATIVE_BUILD / "mtapctl"), "-n", self.nsf, *args], check=True,
                             capture_output=True, text=True)
        return out.stdout

    def session(self, loopback):
        self.nicemu("vf", "set", self.pf, "2", "vlan_mirror", f"add {VLAN}")
        self.nicemu("vf", "set", self.pf, "1", "loopback", "on" if loopback else "off")
        self.mtapctl("attach", "svc0", "session", "1", "tunnel", "tun0", "direction", "both", "vlan", str(VLAN))

    def ping(self, count, interval="0.01"):
        self.lab.run(self.src, "ping", "-q", "-c", str(count), "-i", interval, "-W", "1", "192.0.2.2")

    def tap_stats(self):
        [stats] = json.loads(self.mtapctl("-j", "stats", "svc0", "session", "1"))
        return stats


@pytest.fixture
def topo(lab):
    topo = LabTopology(lab)
    up = topo.mirror_lab("up", check=False)
    try:
        assert up.returncode == 0, up.stderr
        yield topo
    finally:
        down = topo.mirror_lab("down", check=False)
        assert down.returncode == 0, down.stdout + down.stderr


def echo_frames(packets):
    return [p for p in packets if p.haslayer(ICMP)]


def test_local_monitor_gets_tagged_copies_and_loopback_keeps_them_off_the_wire(lab, topo):
    topo.session(loopback=True)
    monitor = lab.capture(topo.nmf, "mon0", "vlan", str(VLAN))
    wire = lab.capture(topo.wire, "uplink0")
    topo.ping(10)
    copies = echo_frames(monitor.stop())
    on_wire = wire.stop()
    # 10 requests (rx on svc0) and 10 replies (tx on svc0), each copied once, tagged with the session VLAN.
    assert len(copies) == 20
    assert all(p[Dot1Q].vlan == VLAN for p in copies)
    assert sorted(p[ICMP].type for p in copies) == [0] * 10 + [8] * 10
    assert on_wire == []


def test_remote_monitor_copies_leave_the_uplink_tagged(lab, topo):
    topo.session(loopback=False)
    wire = lab.capture(topo.wire, "uplink0", "vlan", str(VLAN))
    topo.ping(5)
    on_wire = echo_frames(wire.stop())
    assert len(on_wire) == 10
    assert all(p[Dot1Q].vlan == VLAN for p in on_wire)


def test_link_disable_detaches_the_tap_within_50ms_and_enable_restarts_it(lab, topo):
    topo.session(loopback=True)
    pinger = lab.spawn(topo.src, "ping", "-q", "-i", "0.002", "192.0.2.2")
    try:
        time.sleep(0.3)
        before = topo.tap_stats()["seen"]
        topo.nicemu("vf", "set", topo.pf, "1", "link_state", "disable")
        time.sleep(0.05)
        at_50ms = topo.tap_stats()["seen"]
        time.sleep(0.3)
        later = topo.tap_stats()["seen"]
        assert at_50ms > before, "traffic was flowing through the TAP before the disable"
        assert later == at_50ms, "the TAP still saw packets 50 ms after the tunnel link went down"
        hooks = subprocess.run(in_netns(topo.nsf, ["tc", "filter", "show", "dev", "svc0", "ingress"]),
                               capture_output=True, text=True).stdout
        assert "bpf" not in hooks

        monitor = lab.capture(topo.nmf, "mon0", "vlan", str(VLAN))
        topo.nicemu("vf", "set", topo.pf, "1", "link_state", "enable")
        time.sleep(0.2)
        resumed = echo_frames(monitor.stop())
        assert len(resumed) > 10
    finally:
        pinger.terminate()


def test_down_removes_everything_up_made(topo):
    down = topo.mirror_lab("down")
    assert down.returncode == 0
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert f"mt-{topo.id}-" not in netns
    assert not os.path.exists(f"/sys/fs/bpf/mirrortunnel/nic/{topo.pf}")
    assert not os.path.exists(f"/sys/fs/bpf/mirrortunnel/tap/{topo.nsf}")
    # A second down, as after a crash, is harmless.
    assert topo.mirror_lab("down").returncode == 0
