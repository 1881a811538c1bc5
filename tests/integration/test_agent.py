"""The host agent as a real process over real gRPC with mTLS, driven by mirrorctl, on the netns lab.

Each module run builds its own lab copy (MT_LAB_ID) and each test starts its own agent with a fresh state
dir and the lab's watcher stopped, so the agent's own carrier watcher is the one under test.
"""
import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import NATIVE_BUILD, ROOT, Lab, in_netns

JAR = ROOT / "host-agent" / "agent" / "target" / "mirror-agent.jar"
MIRRORCTL = ROOT / "tools" / "mirrorctl"
TOPOLOGY = ROOT / "test-topologies" / "netns" / "topology.sh"
NICEMU = str(NATIVE_BUILD / "nicemu")
MTAPCTL = str(NATIVE_BUILD / "mtapctl")


def topology(lab_id, action):
    env = dict(os.environ, MT_LAB_ID=lab_id, ROOT=str(ROOT))
    script = f'. "{TOPOLOGY}"; {action}'
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)


class AgentLab:
    """The lab's names, the agent's files, and helpers to look at the host the agent changes."""

    def __init__(self, tmp):
        self.id = uuid.uuid4().hex[:4]
        self.tmp = Path(tmp)
        prefix = f"mt-{self.id}-"
        self.src, self.nsf, self.nmf = prefix + "src", prefix + "nsf", prefix + "nmf"
        self.pf = f"pf-{self.id}"
        self.certs = self.tmp / "certs"
        self.state = self.tmp / "state"
        self.config = self.tmp / "agent.json"
        self.agent = None
        self.address = None

    def write_config(self, inventory=None, **settings):
        """The lab's agent configuration; inventory replaces the lab's PF entry, settings add keys."""
        self.config.write_text(json.dumps({
            "agent_id": f"lab-{self.id}", "listen": "127.0.0.1:0", "state_dir": str(self.state),
            "metrics_listen": "127.0.0.1:0",
            "tls": {"cert": str(self.certs / "agent.pem"), "key": str(self.certs / "agent.key"),
                    "client_ca": str(self.certs / "ca.pem")},
            "nic": {"driver": "emulated", "nicemu": NICEMU},
            "tap": {"mtapctl": MTAPCTL},
            "inventory": inventory or [{"pf": self.pf, "vfs": [
                {"vf": 1, "role": "tunnel", "netns": self.nsf, "ifname": "tun0"},
                {"vf": 2, "role": "monitor", "netns": self.nmf, "ifname": "mon0"}]}],
            **settings}))

    def agent_command(self):
        return ["java", "-jar", str(JAR), "--config", str(self.config)]

    def start_agent(self):
        self.agent = subprocess.Popen(self.agent_command(),
                                      stdout=subprocess.PIPE, stderr=open(self.tmp / "agent.err", "ab"), text=True)
        line = self.agent.stdout.readline()
        m = re.search(r"serving on (\S+):(\d+) \(mTLS\), metrics on port (\d+)", line)
        assert m, f"agent did not start: {line!r} {(self.tmp / 'agent.err').read_text()}"
        self.address = f"{m.group(1)}:{m.group(2)}"
        self.metrics = f"http://127.0.0.1:{m.group(3)}/metrics"

    def kill_agent(self, sig=signal.SIGTERM):
        if self.agent and self.agent.poll() is None:
            self.agent.send_signal(sig)
            self.agent.wait(timeout=20)

    def ctl(self, *args, cert=True, check=True):
        tls = ["--ca", str(self.certs / "ca.pem")]
        if cert:
            tls += ["--cert", str(self.certs / "client.pem"), "--key", str(self.certs / "client.key")]
        # A client JVM can take most of a minute to start on a machine that other builds keep busy.
        r = subprocess.run([str(MIRRORCTL), "-a", self.address, *tls, *args], capture_output=True, text=True,
                           timeout=180)
        if check:
            assert r.returncode == 0, f"mirrorctl {' '.join(args)}: {r.stderr}"
        return r

    def apply_s1(self, *extra):
        return self.ctl("apply", "s1", "--source", f"{self.nsf}/svc0", "--tunnel", f"{self.pf}/1", "--vlan", "100",
                        "--monitor", f"{self.pf}/2", *extra)

    def sessions(self):
        out = subprocess.run([MTAPCTL, "-n", self.nsf, "-j", "show"], capture_output=True, text=True, check=True)
        return [(p["dev"], s["id"]) for p in json.loads(out.stdout) for s in p["sessions"]]

    def pf_show(self):
        out = subprocess.run([NICEMU, "-j", "pf", "show", self.pf], capture_output=True, text=True, check=True)
        [pf] = json.loads(out.stdout)
        return pf

    def vf(self, n):
        return next(v for v in self.pf_show()["vfs"] if v["vf"] == n)

    def add_vf(self, n, netns, ifname):
        """Adds VF n to the lab's emulated PF unless it is there already."""
        if all(v["vf"] != n for v in self.pf_show()["vfs"]):
            subprocess.run([NICEMU, "vf", "add", self.pf, str(n), "netns", netns, "ifname", ifname], check=True)

    def host_state(self):
        return self.sessions(), self.vf(1), self.vf(2)

    def watchers(self):
        out = subprocess.run(["pgrep", "-f", f"mtapctl -n {self.nsf} watch"], capture_output=True, text=True)
        return out.stdout.split()


@pytest.fixture(scope="module")
def agent_lab(native_build):
    if not JAR.exists():
        subprocess.run(["mvn", "-B", "-q", "-o", "-f", str(ROOT / "pom.xml"), "-pl", "host-agent/agent", "-am",
                        "package", "-DskipTests"], check=True)
    tmp = tempfile.mkdtemp(prefix="mt-agent-")
    al = AgentLab(tmp)
    subprocess.run([str(ROOT / "tools" / "mkcerts"), str(al.certs)], check=True, capture_output=True)
    up = topology(al.id, "lab_up && kill $(cat $LAB_STATE/watch.pid)")
    try:
        assert up.returncode == 0, up.stderr
        yield al
    finally:
        al.kill_agent(signal.SIGKILL)
        for pid in al.watchers():
            os.kill(int(pid), signal.SIGKILL)
        topology(al.id, "lab_down")
        subprocess.run(["rm", "-rf", tmp])


@contextlib.contextmanager
def fresh_agent(al, inventory=None, **settings):
    """A fresh agent (empty state dir) on the lab's configuration with the given inventory and settings; at
    the end, everything it made is removed and it stops. Yields the lab and a Lab for the test's own parts."""
    subprocess.run(["rm", "-rf", str(al.state)])
    al.write_config(inventory, **settings)
    al.start_agent()
    lab = Lab(str(al.tmp))
    try:
        yield al, lab
    finally:
        if al.agent.poll() is None:
            sync_file = al.tmp / "empty.json"
            sync_file.write_text('{"bindings": []}')
            al.ctl("sync", str(sync_file), check=False)
        al.kill_agent()
        lab.teardown()


@pytest.fixture
def agent(agent_lab):
    with fresh_agent(agent_lab) as running:
        yield running


def copies(al, lab, count=10):
    """Pings through the NSF and returns how many tagged ICMP copies the NMF's mon0 received."""
    cap = lab.capture(al.nmf, "mon0", "vlan", "100", "and", "icmp")
    lab.run(al.src, "ping", "-q", "-c", str(count), "-i", "0.02", "-W", "1", "192.0.2.2")
    return len(cap.stop())


def test_apply_disable_enable_remove(agent):
    al, lab = agent
    assert "s1 active" in al.apply_s1().stdout
    time.sleep(0.2)
    assert copies(al, lab) == 20, "10 requests and 10 replies, each copied once"

    assert "s1 disabled" in al.ctl("disable", "s1").stdout
    assert al.vf(1)["link_state"] == "disable"
    time.sleep(0.2)
    assert copies(al, lab) == 0

    al.ctl("enable", "s1")
    time.sleep(0.2)
    assert copies(al, lab) == 20

    stats = json.loads(al.ctl("--json", "stats", "s1").stdout)
    assert int(stats["bindings"][0]["tap"]["mirrored"]) >= 40
    with urllib.request.urlopen(al.metrics, timeout=10) as r:
        metrics = r.read().decode()
    mirrored = re.search(r'^mirror_tap_packets_total\{binding="s1",outcome="mirrored"\} (\d+)$', metrics, re.M)
    assert mirrored and int(mirrored.group(1)) >= 40, metrics
    assert re.search(r'^mirror_vf_packets_total\{binding="s1",role="monitor",.*dir="rx"\} [1-9]', metrics, re.M)

    al.ctl("remove", "s1")
    assert al.sessions() == []
    tunnel, monitor = al.vf(1), al.vf(2)
    assert monitor["vlan_mirror"] in ("", "none")
    assert tunnel["loopback"] == "off" and tunnel["link_state"] == "auto"
    assert copies(al, lab) == 0


def test_kill9_mid_traffic_then_restart_brings_the_binding_back_once(agent):
    al, lab = agent
    al.apply_s1()
    old_watchers = al.watchers()
    assert len(old_watchers) == 1
    pinger = lab.spawn(al.src, "ping", "-q", "-i", "0.02", "192.0.2.2")

    al.kill_agent(signal.SIGKILL)
    al.start_agent()
    pinger.terminate()

    assert al.sessions() == [("svc0", 1)], "re-applied without a duplicate session"
    assert al.watchers() != old_watchers and len(al.watchers()) == 1, "the killed agent's watcher was ended"
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["s1", "active"]]
    assert al.vf(2)["vlan_mirror"] == "100"
    assert copies(al, lab) == 20


def test_sync_with_a_smaller_set_removes_the_rest(agent):
    al, lab = agent
    al.apply_s1()
    al.ctl("apply", "s2", "--vlan", "200", "--monitor", f"{al.pf}/2")
    assert al.vf(2)["vlan_mirror"] == "100,200"
    only_s1 = al.tmp / "only-s1.json"
    only_s1.write_text(json.dumps({"bindings": [{
        "id": "s1", "sources": [{"netns": al.nsf, "ifname": "svc0", "tunnel": {"pf": al.pf, "vf": 1}}],
        "direction": "BOTH", "vlans": [100], "monitors": [{"vf": {"pf": al.pf, "vf": 2}}], "enabled": True}]}))

    r = json.loads(al.ctl("--json", "sync", str(only_s1)).stdout)

    assert r["removed"] == ["s2"]
    assert [a["state"] for a in r["applied"]] == ["ACTIVE"]
    assert al.vf(2)["vlan_mirror"] == "100"
    assert al.sessions() == [("svc0", 1)]


def test_a_client_without_a_valid_certificate_is_refused(agent, tmp_path):
    al, _ = agent
    r = al.ctl("info", cert=False, check=False)
    assert r.returncode == 1 and "UNAVAILABLE" in r.stderr
    subprocess.run([str(ROOT / "tools" / "mkcerts"), str(tmp_path)], check=True, capture_output=True)
    r = subprocess.run([str(MIRRORCTL), "-a", al.address, "--ca", str(al.certs / "ca.pem"),
                        "--cert", str(tmp_path / "client.pem"), "--key", str(tmp_path / "client.key"), "info"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "UNAVAILABLE" in r.stderr
    r = subprocess.run([str(MIRRORCTL), "-a", al.address, "--plaintext", "info"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert "agent lab-" in al.ctl("info").stdout


BAD = [
    (["apply", "b1", "--vlan", "4095", "--monitor", "{pf}/2"], "INVALID_ARGUMENT: vlans"),
    (["apply", "b1", "--vlan", "100"], "INVALID_ARGUMENT: sources/monitors"),
    (["apply", "b1", "--source", "{nsf}/svc0;reboot", "--tunnel", "{pf}/1", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].ifname"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/7", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].tunnel"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/2", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].tunnel"),
    (["apply", "b1", "--source", "other-ns/svc0", "--tunnel", "{pf}/1", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].tunnel"),
    (["apply", "b1", "--vlan", "300", "--monitor", "{pf}/1"], "INVALID_ARGUMENT: monitors[0].vf"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/1", "--vlan", "300", "--snaplen", "10"],
     "INVALID_ARGUMENT: snaplen"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/1", "--vlan", "300", "--dport", "80"],
     "INVALID_ARGUMENT: filter.dst_port"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/1", "--vlan", "300", "--src", "10.0.0.1/8"],
     "INVALID_ARGUMENT: filter.src_prefix"),
    (["apply", "b/1", "--vlan", "300", "--monitor", "{pf}/2"], "INVALID_ARGUMENT: id"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/1", "--vlan", "300"],
     "FAILED_PRECONDITION: tunnel VF {pf}/1 carries binding 's1'"),
    (["apply", "b1", "--vlan", "100", "--monitor", "{pf}/2"], "FAILED_PRECONDITION: VLAN 100 belongs to binding 's1'"),
    (["apply", "b1", "--source", "{nsf}/nosuch0", "--tunnel", "{pf}/1", "--vlan", "300"], "FAILED_PRECONDITION"),
    (["remove", "nope"], "NOT_FOUND"),
    (["disable", "nope"], "NOT_FOUND"),
]


def test_a_battery_of_bad_requests_changes_nothing(agent):
    al, _ = agent
    al.apply_s1()
    before = al.host_state(), (al.state / "bindings.json").read_text()
    for args, error in BAD:
        args = [a.format(pf=al.pf, nsf=al.nsf) for a in args]
        r = al.ctl(*args, check=False)
        assert r.returncode == 1, args
        assert error.format(pf=al.pf) in r.stderr, (args, r.stderr)
    assert (al.host_state(), (al.state / "bindings.json").read_text()) == before
