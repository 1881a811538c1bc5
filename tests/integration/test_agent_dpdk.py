"""The agent driving a DPDK NSF's TAP: the real agent process and a real mt-l2fwd on the netns lab.

mt-l2fwd runs in the lab's NSF namespace and forwards A (a0) <-> n0 [mt-l2fwd] n1 <-> B (b0) through
net_af_packet; its tunnel is dtun0, VF 5 of the lab's emulated NIC, so copies reach the monitor VF 2 (mon0)
through the emulated NIC's VLAN mirror. The agent's configuration names the NSF (tap.dpdk), its control
socket and its ports n0 and n1.
"""
import json
import select
import subprocess
import time

import pytest
from scapy.all import raw

from conftest import NATIVE_BUILD, Lab
from test_agent import NICEMU, agent_lab, fresh_agent  # noqa: F401 (agent_lab is a fixture)
from test_agent_abuse import HostReader, refused
from test_dpdk_tap import Control
from test_tap import MAC_A, MAC_B, copies_of, udp

L2FWD = str(NATIVE_BUILD / "dpdk" / "mt-l2fwd")
VLAN = 300


class DpdkLab:
    """The endpoints around mt-l2fwd, mt-l2fwd itself and its control connection."""

    def __init__(self, al, lab):
        self.al, self.lab = al, lab
        al.add_vf(5, al.nsf, "dtun0")
        self.a, self.b = lab.ns("a"), lab.ns("b")
        for ns in (self.a, self.b):
            lab.run(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        lab.veth(self.a, "a0", al.nsf, "n0", mac_a=MAC_A)
        lab.veth(self.b, "b0", al.nsf, "n1", mac_a=MAC_B)
        self.socket = str(al.tmp / "l2fwd.sock")
        self.proc = None
        self.ctl = None

    def start(self):
        self.proc = self.lab.spawn(
            self.al.nsf, L2FWD, "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry", "-l", "0",
            "--vdev", "net_af_packet0,iface=n0", "--vdev", "net_af_packet1,iface=n1",
            "--vdev", "net_af_packet2,iface=dtun0", "--", "--tunnel", "net_af_packet2", "--ctl", self.socket,
            "--idle-us", "100", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline().strip() if ready else ""
        assert line == "ready", f"mt-l2fwd did not start: {line!r}"
        self.ctl = Control(self.socket)

    def stop(self):
        self.ctl.close()
        self.proc.terminate()
        self.proc.communicate(timeout=20)

    def port(self, name="n0"):
        reply = self.ctl(cmd="show")
        assert reply["ok"], reply
        return next(p for p in reply["ports"] if p["ifname"] == name)

    def exchange(self, a_to_b, b_to_a):
        """Sends through the NSF both ways; the copies at the monitor (VLAN, frame)."""
        cap = self.lab.capture(self.al.nmf, "mon0", "vlan", str(VLAN))
        self.lab.send(self.a, "a0", a_to_b)
        self.lab.send(self.b, "b0", b_to_a)
        return copies_of(cap.stop(settle=0.5))


@pytest.fixture
def dpdk(agent_lab):
    al = agent_lab
    lab = Lab(str(al.tmp))
    d = DpdkLab(al, lab)
    try:
        d.start()
        inventory = [{"pf": al.pf, "vfs": [
            {"vf": 1, "role": "tunnel", "netns": al.nsf, "ifname": "tun0"},
            {"vf": 2, "role": "monitor", "netns": al.nmf, "ifname": "mon0"},
            {"vf": 5, "role": "tunnel", "netns": al.nsf, "ifname": "dtun0"}]}]
        nsf = {"name": "l2fwd", "netns": al.nsf, "socket": d.socket, "ports": ["n0", "n1"]}
        with fresh_agent(al, inventory, tap={"mtapctl": str(NATIVE_BUILD / "mtapctl"), "dpdk": [nsf]}):
            yield d
    finally:
        lab.teardown()
        subprocess.run([NICEMU, "vf", "set", al.pf, "5", "link_state", "auto"], capture_output=True)


def states(al):
    return {l.split()[0]: l.split()[1] for l in al.ctl("list").stdout.splitlines()}


def wait_for(what, check, timeout=10):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


REQ = [udp("10.1.0.1", "10.2.0.1", 40000 + i, 5000) for i in range(3)]
REP = [udp("10.2.0.1", "10.1.0.1", 5000, 40000 + i, mac_src=MAC_B, mac_dst=MAC_A) for i in range(3)]
OTHER = [udp("10.1.0.1", "10.2.0.1", 40100, 6000)]


def test_a_binding_on_a_dpdk_port_is_the_nsfs_own_tap_session(dpdk):
    al, d = dpdk.al, dpdk
    assert "tap ebpf,dpdk" in al.ctl("info").stdout
    out = al.ctl("apply", "d1", "--source", f"{al.nsf}/n0", "--tunnel", f"{al.pf}/5", "--vlan", str(VLAN),
                 "--monitor", f"{al.pf}/2", "--proto", "17", "--port", "5000").stdout
    assert "d1 active" in out, out
    [s] = d.port()["sessions"]
    assert (s["session"], s["tunnel"], s["direction"], s["vlans"], s["filter"], s["active"]) == (
        1, "net_af_packet2", "both", [VLAN], {"proto": 17, "port": 5000}, True)

    # Both directions of the flow through n0, nothing else; the NSF forwards them all.
    copies = d.exchange(REQ + OTHER, REP)
    assert sorted(copies) == sorted((VLAN, raw(f)) for f in REQ + REP)
    stats = json.loads(al.ctl("--json", "stats", "d1").stdout)["bindings"][0]["tap"]
    nsf = d.ctl(cmd="stats", port="n0", session=1)["stats"][0]
    assert (int(stats["seen"]), int(stats["mirrored"])) == (nsf["seen"], nsf["mirrored"]) == (7, 6)

    # The link-state switch: the agent disables the tunnel VF, the TAP follows its carrier.
    assert "d1 disabled" in al.ctl("disable", "d1").stdout
    wait_for("the TAP switched off", lambda: not d.port()["sessions"][0]["active"])
    assert d.exchange(REQ, REP) == []
    assert "d1 active" in al.ctl("enable", "d1").stdout
    wait_for("the TAP switched on", lambda: d.port()["sessions"][0]["active"])
    assert len(d.exchange(REQ, REP)) == 6

    # The link taken away from the PF side: the agent reports what the NSF reports, from its watch stream.
    subprocess.run([NICEMU, "vf", "set", al.pf, "5", "link_state", "disable"], check=True)
    wait_for("the NSF saw the link go", lambda: not d.port()["sessions"][0]["tunnel_up"])
    assert states(al)["d1"] == "pending"
    subprocess.run([NICEMU, "vf", "set", al.pf, "5", "link_state", "enable"], check=True)
    wait_for("the NSF saw the link come", lambda: d.port()["sessions"][0]["tunnel_up"])
    assert states(al)["d1"] == "active"

    al.ctl("remove", "d1")
    assert d.port()["sessions"] == []
    assert al.vf(5)["link_state"] == "auto" and al.vf(2)["vlan_mirror"] in ("", "none")


class NsfReader(HostReader):
    """The host reader of the abuse tests, with the NSF's TAP state too."""

    def __init__(self, al, d):
        super().__init__(al)
        self.d = d

    def picture(self):
        return super().picture() + (json.dumps(self.d.ctl(cmd="show")),)


def test_what_the_nsf_cannot_take_is_refused_before_any_write(dpdk):
    al, d = dpdk.al, dpdk
    al.ctl("apply", "d1", "--source", f"{al.nsf}/n0", "--tunnel", f"{al.pf}/5", "--vlan", str(VLAN),
           "--monitor", f"{al.pf}/2", "--direction", "rx")
    with NsfReader(al, d) as reader:
        # tun0 is a VF of the NIC, but not a tunnel port of this NSF
        refused(al, ["apply", "d2", "--source", f"{al.nsf}/n1", "--tunnel", f"{al.pf}/1", "--vlan", "301",
                     "--monitor", f"{al.pf}/2"], "FAILED_PRECONDITION: DPDK NSF 'l2fwd' has no tunnel port tun0")
    assert len(reader.seen) == 1, f"the host changed during a refused request: {reader.seen}"

    d.stop()
    refused(al, ["apply", "d2", "--source", f"{al.nsf}/n1", "--tunnel", f"{al.pf}/1", "--vlan", "301",
                 "--monitor", f"{al.pf}/2"], "FAILED_PRECONDITION: reading the host's state failed: DPDK NSF 'l2fwd':"
            " control socket")
    assert al.vf(2)["vlan_mirror"] == str(VLAN) and al.vf(1)["link_state"] == "auto"
    # A binding whose NSF has gone away can still be removed: its sessions went with the NSF.
    al.ctl("remove", "d1")
    assert al.vf(5)["link_state"] == "auto"
