"""The agent process used carelessly and with hostile input, on the netns lab: refused requests change
nothing on the host (a reader polls it while they run), the limits hold with long values, a corrupt
state file or a second instance stops cleanly, and states are reported as the host has them.
"""
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from test_agent import MTAPCTL, NICEMU, agent_lab, copies, fresh_agent  # noqa: F401 (agent_lab is a fixture)

STARTUP_TIMEOUT = 60


def lab_inventory(al):
    """The lab's VFs plus two more tunnel VFs in the NSF (3: tun1, 4: tun2)."""
    al.add_vf(3, al.nsf, "tun1")
    al.add_vf(4, al.nsf, "tun2")
    return [{"pf": al.pf, "vfs": [
        {"vf": 1, "role": "tunnel", "netns": al.nsf, "ifname": "tun0"},
        {"vf": 2, "role": "monitor", "netns": al.nmf, "ifname": "mon0"},
        {"vf": 3, "role": "tunnel", "netns": al.nsf, "ifname": "tun1"},
        {"vf": 4, "role": "tunnel", "netns": al.nsf, "ifname": "tun2"}]}]


@pytest.fixture
def agent4(agent_lab):
    """A fresh agent on the lab with four VFs, on a host cleared of what an earlier failed test left."""
    al = agent_lab
    inventory = lab_inventory(al)
    reset_host(al)
    try:
        with fresh_agent(al, inventory) as running:
            yield running
    finally:
        for pid in al.watchers():  # left by an agent a test killed
            os.kill(int(pid), signal.SIGKILL)
        reset_host(al)


def reset_host(al):
    """Takes off whatever an earlier, failed test may have left on the lab's NIC and TAP."""
    for vf in (1, 2, 3, 4):
        for attr, value in (("vlan_mirror", "rem 0-4095"), ("loopback", "off"), ("link_state", "auto")):
            subprocess.run([NICEMU, "vf", "set", al.pf, str(vf), attr, value], capture_output=True)
    for dev in ("svc0", "svc1"):
        subprocess.run([MTAPCTL, "-n", al.nsf, "detach", dev], capture_output=True)


class HostReader:
    """Polls the emulated NIC, the NSF's TAP sessions and the agent's state file until stopped, and keeps
    every distinct picture it saw."""

    def __init__(self, al):
        self.al = al
        self.seen = []
        self.reads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def picture(self):
        pf = self.al.pf_show()
        vfs = [{k: v[k] for k in ("vf", "link_state", "loopback", "vlan_mirror", "carrier")} for v in pf["vfs"]]
        taps = subprocess.run([MTAPCTL, "-n", self.al.nsf, "-j", "show"], capture_output=True, text=True,
                              check=True).stdout
        state = self.al.state / "bindings.json"
        return json.dumps(vfs), taps, state.read_bytes() if state.is_file() else None

    def _run(self):
        while not self._stop.is_set():
            p = self.picture()
            self.reads += 1
            if not self.seen or self.seen[-1] != p:
                self.seen.append(p)

    def __enter__(self):
        self.seen.append(self.picture())
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)


def refused(al, args, expected):
    r = al.ctl(*args, check=False)
    assert r.returncode == 1, (args, r.stdout)
    assert expected in r.stderr, (args, r.stderr)
    return r.stderr


def test_inventory_vfs_as_sources_and_knowable_conflicts_are_refused_before_the_host_changes(agent4):
    al, _ = agent4
    al.apply_s1()
    pf, nsf = al.pf, al.nsf
    requests = [
        # another binding's tunnel VF as a source
        (["apply", "b2", "--source", f"{nsf}/tun0", "--tunnel", f"{pf}/3", "--vlan", "300", "--monitor", f"{pf}/2"],
         "INVALID_ARGUMENT: sources[0].ifname"),
        # an unused tunnel VF as a source
        (["apply", "b3", "--source", f"{nsf}/tun1", "--tunnel", f"{pf}/4", "--vlan", "301", "--monitor", f"{pf}/2"],
         "INVALID_ARGUMENT: sources[0].ifname"),
        # a tunnel VF whose netdev is not where the inventory says
        (["apply", "b4", "--source", f"{nsf}/svc1", "--tunnel", f"{pf}/4", "--vlan", "302", "--monitor", f"{pf}/2",
          "--remote"], "FAILED_PRECONDITION"),
    ]
    al_run = lambda *argv: subprocess.run(["nsenter", f"--net=/run/netns/{nsf}", *argv], check=True)
    al_run("ip", "link", "set", "tun2", "name", "tun2x")
    try:
        with HostReader(al) as reader:
            for args, error in requests:
                refused(al, args, error)
    finally:
        al_run("ip", "link", "set", "tun2x", "name", "tun2")
    assert reader.reads > 20, "the reader polled during the requests"
    assert len(reader.seen) == 1, f"the host changed during refused requests: {reader.seen}"
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["s1", "active"]]


def test_swapping_a_vlan_on_a_monitor_vf_at_its_limit(agent4):
    al, _ = agent4
    foreign = "1000-1190"  # 191 VLANs mirrored by someone else
    subprocess.run([NICEMU, "vf", "set", al.pf, "2", "vlan_mirror", "add", foreign], check=True)
    try:
        al.ctl("apply", "m1", "--vlan", "100", "--monitor", f"{al.pf}/2")
        assert al.vf(2)["vlan_mirror"] == "100,1000-1190"

        assert "m1 active" in al.ctl("apply", "m1", "--vlan", "101", "--monitor", f"{al.pf}/2").stdout
        assert al.vf(2)["vlan_mirror"] == "101,1000-1190"

        swap = al.tmp / "swap.json"
        swap.write_text(json.dumps({"bindings": [{"id": "m1", "vlans": [102], "enabled": True,
                                                  "monitors": [{"vf": {"pf": al.pf, "vf": 2}}]}]}))
        r = json.loads(al.ctl("--json", "sync", str(swap)).stdout)
        assert [a["state"] for a in r["applied"]] == ["ACTIVE"], r
        assert al.vf(2)["vlan_mirror"] == "102,1000-1190"
    finally:
        subprocess.run([NICEMU, "vf", "set", al.pf, "2", "vlan_mirror", "rem", foreign], check=True)


def run_to_exit(al):
    """Starts an agent on the lab's configuration that must stop by itself; returns (exit code, stdout, stderr)."""
    p = subprocess.run(al.agent_command(), capture_output=True, text=True, timeout=STARTUP_TIMEOUT)
    return p.returncode, p.stdout, p.stderr


def test_a_corrupt_state_file_stops_the_agent_with_one_line_and_touches_nothing(agent4):
    al, lab = agent4
    al.apply_s1()
    al.kill_agent(signal.SIGKILL)  # its watcher and everything it set stay on the host
    state = al.state / "bindings.json"
    good = state.read_bytes()
    cases = {
        "truncated": good[:len(good) // 2],
        "garbage": b"\x00\xff\x13garbage\n",
        "empty": b"",
        "wrong schema": b'{"version": 1, "bindings": {"id": "s1"}}',
        "wrong record": b'{"version": 1, "bindings": [{"id": 7, "owned": "x"}]}',
        "unknown version": good.replace(b'"version":1', b'"version":99'),
        "a directory": None,
    }
    host = al.host_state()
    watchers = al.watchers()
    try:
        for case, content in cases.items():
            if content is None:
                state.unlink()
                state.mkdir()
            else:
                state.write_bytes(content)
            rc, out, err = run_to_exit(al)
            lines = err.strip().splitlines()
            assert rc != 0 and "serving" not in out, (case, out, err)
            assert len(lines) == 1, (case, err)
            assert str(state) in lines[0], (case, lines[0])
            assert "Exception" not in lines[0] and "\tat " not in err, (case, err)
            if case == "unknown version":
                assert "version 99" in lines[0], lines[0]
            assert al.host_state() == host, case
            assert al.watchers() == watchers, f"{case}: the running watcher was touched"
            if content is None:
                assert state.is_dir()
                state.rmdir()
            else:
                assert state.read_bytes() == content, f"{case}: the state file was rewritten"
    finally:
        if state.is_dir():
            state.rmdir()
        state.write_bytes(good)
    al.start_agent()  # the good file brings the binding back
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["s1", "active"]]


def test_a_second_instance_exits_clearly_and_changes_nothing(agent4):
    al, _ = agent4
    al.apply_s1()
    time.sleep(0.3)
    state = al.state / "bindings.json"
    before = al.host_state(), al.watchers(), state.read_bytes(), state.stat().st_mtime_ns

    rc, out, err = run_to_exit(al)

    assert rc != 0 and "serving" not in out, (out, err)
    assert str(al.state) in err and "another agent" in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert (al.host_state(), al.watchers(), state.read_bytes(), state.stat().st_mtime_ns) == before
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["s1", "active"]]


LONG = [
    (["apply", "x" * 9000, "--vlan", "300", "--monitor", "{pf}/2"], "INVALID_ARGUMENT: id:"),
    (["apply", "b1", "--source", "{nsf}/svc0", "--tunnel", "{pf}/1", "--vlan", "300", "--src", "1" * 20000],
     "INVALID_ARGUMENT: filter.src_prefix:"),
    (["apply", "b1", "--source", "{nsf}/" + "s" * 20000, "--tunnel", "{pf}/1", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].ifname:"),
    (["apply", "b1", "--source", "n" * 20000 + "/svc0", "--tunnel", "{pf}/1", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].netns:"),
    (["apply", "b1", "--vlan", "300", "--monitor", "p" * 20000 + "/2"], "INVALID_ARGUMENT: monitors[0].vf:"),
    (["remove", "y" * 9000], "INVALID_ARGUMENT: id:"),
    (["disable", "y" * 9000], "INVALID_ARGUMENT: id:"),
    (["stats", "y" * 9000], "INVALID_ARGUMENT: id:"),
    # names that would reach the TAP's and the NIC's programs as options
    (["apply", "b1", "--source={nsf}/-x", "--tunnel", "{pf}/1", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].ifname:"),
    (["apply", "b1", "--source=-n/svc0", "--tunnel", "{pf}/1", "--vlan", "300"],
     "INVALID_ARGUMENT: sources[0].netns:"),
]


def test_long_values_and_option_like_names_are_invalid_arguments_with_short_messages(agent4):
    al, _ = agent4
    before = al.host_state()
    for args, error in LONG:
        args = [a.format(pf=al.pf, nsf=al.nsf) for a in args]
        message = refused(al, args, error)
        assert len(message) < 400, (error, len(message), message[:400])
    long_sync = al.tmp / "long.json"
    long_sync.write_text(json.dumps({"bindings": [{"id": "z" * 9000, "vlans": [300],
                                                   "monitors": [{"vf": {"pf": al.pf, "vf": 2}}]}]}))
    assert len(refused(al, ["sync", str(long_sync)], "INVALID_ARGUMENT: bindings[0].id:")) < 400
    assert al.host_state() == before


def test_a_binding_reapplied_on_a_tunnel_that_was_disabled_reports_its_real_state(agent4):
    al, lab = agent4
    al.apply_s1()
    al.ctl("disable", "s1")
    time.sleep(0.5)  # the watcher has reported the tunnel's loss of carrier
    al.ctl("remove", "s1")

    r = al.ctl("apply", "s2", "--source", f"{al.nsf}/svc0", "--tunnel", f"{al.pf}/1", "--vlan", "100",
               "--monitor", f"{al.pf}/2")

    assert "s2 active" in r.stdout, r.stdout
    time.sleep(0.2)
    assert copies(al, lab) == 20
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["s2", "active"]]


def test_a_monitor_only_binding_reports_its_vlan_mirror_whatever_enabled_says(agent4):
    al, _ = agent4
    r = al.ctl("apply", "m1", "--vlan", "200", "--monitor", f"{al.pf}/2", "--disabled")

    assert al.vf(2)["vlan_mirror"] == "200"
    assert "m1 active" in r.stdout, r.stdout
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["m1", "active"]]


def test_a_disable_acknowledged_just_before_a_kill9_holds_after_the_restart(agent4):
    al, lab = agent4
    al.apply_s1()
    al.ctl("disable", "s1")
    al.kill_agent(signal.SIGKILL)
    subprocess.run([NICEMU, "vf", "set", al.pf, "1", "link_state", "enable"], check=True)  # to be undone

    al.start_agent()

    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["s1", "disabled"]]
    assert al.vf(1)["link_state"] == "disable"
    time.sleep(0.3)
    assert copies(al, lab) == 0


def test_a_tap_session_made_by_hand_on_a_wanted_tunnel_is_refused_before_the_host_changes(agent4):
    """A session made with mtapctl outside the agent sends to tun1 (VF 3) from svc0: a binding that wants tun1
    on svc1 would share the tunnel (its link state would switch the other's copies), so it is refused before
    any write. The agent's own bindings and updates on other tunnels go on, and tun1 is free once the session
    is gone."""
    al, _ = agent4
    pf, nsf = al.pf, al.nsf
    subprocess.run([MTAPCTL, "-n", nsf, "attach", "svc0", "session", "42", "tunnel", "tun1", "vlan", "310"],
                   check=True)
    b2 = ["apply", "b2", "--source", f"{nsf}/svc1", "--tunnel", f"{pf}/3", "--vlan", "300", "--monitor", f"{pf}/2"]

    with HostReader(al) as reader:
        error = refused(al, b2, "FAILED_PRECONDITION")

    assert f"TAP session 42 on port {nsf}/svc0" in error, error
    assert reader.reads > 20, "the reader polled during the request"
    assert len(reader.seen) == 1, f"the host changed during the refused request: {reader.seen}"
    assert al.sessions() == [("svc0", 42)]
    assert al.ctl("list").stdout.strip() == ""

    al.apply_s1()  # svc0 as a source again, with the agent's own tunnel tun0 beside the session on tun1
    r = al.ctl("apply", "s1", "--source", f"{nsf}/svc0", "--tunnel", f"{pf}/1", "--vlan", "101",
               "--monitor", f"{pf}/2", "--direction", "rx")
    assert "s1 active" in r.stdout, r.stdout
    assert sorted(al.sessions()) == [("svc0", 1), ("svc0", 42)]
    assert al.vf(2)["vlan_mirror"] == "101"

    subprocess.run([MTAPCTL, "-n", nsf, "detach", "svc0", "session", "42"], check=True)
    assert "b2 active" in al.ctl(*b2).stdout
    assert sorted(al.sessions()) == [("svc0", 1), ("svc1", 1)]
