"""Remote monitoring across the Mininet fabric, end to end: three hosts with emulated NICs and their own agents
(driven by mirrorctl over mTLS), three Open vSwitch switches in a triangle programmed only by ONOS's own intent
compilers through the stand-in controller, real frames from each NSF's traffic source.

The fabric is built once for the module; each test uses its own session id and VLAN and removes them.
"""
import json
import signal
import sys
import time
import uuid

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "test-topologies" / "mininet"))
import fabric as topo  # noqa: E402

N = 20


@pytest.fixture(scope="module")
def fab(native_build):
    fabric = topo.Fabric("f" + uuid.uuid4().hex[:4])
    fabric.up()
    try:
        yield fabric
    finally:
        for s in fabric.servers:
            s.stop_agent(signal.SIGKILL)
        if fabric.fabric_proc:
            fabric.fabric_proc.kill()
        fabric.down()
        assert fabric.leftovers() == []


@pytest.fixture
def session(fab):
    """Bindings and intents a test makes, removed at its end whatever happened."""
    made = []
    yield made
    for kind, *what in reversed(made):
        if kind == "binding":
            server, binding = what
            server.ctl("remove", binding, check=False)
        else:
            fab.withdraw(what[0])


def frames(server, tag):
    """N UDP frames from the source host to the destination host, through the NSF, each with its own payload."""
    from scapy.all import IP, UDP, Ether, Raw
    src, dst = server.mac(server.src, "eth0"), server.mac(server.dst, "eth0")
    return [Ether(src=src, dst=dst) / IP(src=topo.SRC_IP, dst=topo.DST_IP) / UDP(sport=4000 + i, dport=5000)
            / Raw(f"{tag} frame {i:04d} ".encode() * 4) for i in range(N)]


def untagged(pkt):
    """The frame with its 802.1Q tag taken out, as bytes."""
    from scapy.all import Dot1Q, Ether
    vlan = pkt[Dot1Q]
    return bytes(Ether(src=pkt.src, dst=pkt.dst, type=vlan.type) / vlan.payload)


def vlans(pkts):
    from scapy.all import Dot1Q
    return sorted({p[Dot1Q].vlan for p in pkts if Dot1Q in p})


def remote(fab, session, sid, vlan, source, monitors):
    """A remote session as the app makes it: the source's binding (loopback off), one binding per monitor host,
    and the remote-delivery intent."""
    s = fab.server(source)
    s.ctl("apply", sid, "--source", f"{s.nsf}/svc0", "--tunnel", f"{s.pf}/{topo.TUNNEL_VF}", "--vlan", str(vlan),
          "--direction", "rx", "--remote")
    session.append(("binding", s, sid))
    for m in monitors:
        ms = fab.server(m)
        ms.ctl("apply", sid, "--vlan", str(vlan), "--monitor", f"{ms.pf}/{topo.MONITOR_VF}")
        session.append(("binding", ms, sid))
    reply = fab.submit(sid, source, vlan, monitors)
    session.append(("intent", reply["key"]))
    assert reply["state"] == "INSTALLED", reply
    return reply


def send_and_capture(fab, lab, source, tag, watch):
    """Sends the frames; returns what the destination got and what each watched interface got.
    watch: {label: (namespace or None, ifname, tcpdump args)}."""
    s = fab.server(source)
    caps = {label: lab.capture(ns, ifname, *args) for label, (ns, ifname, args) in watch.items()}
    got = lab.capture(s.dst, "eth0", "udp", "port", "5000")
    sent = frames(s, tag)
    lab.send(s.src, "eth0", sent)
    return sent, got.stop(settle=0.5), {label: c.stop(settle=0) for label, c in caps.items()}


def monitors(fab, skip=()):
    return {f"{s.name}-mon": (s.nmf, "mon0", ()) for s in fab.servers if s.name not in skip}


def wait(condition, what, timeout=10):
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, what
        time.sleep(0.02)


def test_remote_copies_leave_the_uplink_tagged_and_reach_the_remote_monitor_only(fab, lab, session):
    h1, h2, h3 = fab.servers
    # h3's monitor takes another VLAN: it must see neither this session's copies nor anything else.
    h3.ctl("apply", "r-other", "--vlan", "112", "--monitor", f"{h3.pf}/{topo.MONITOR_VF}")
    session.append(("binding", h3, "r-other"))
    reply = remote(fab, session, "r-remote", 111, "h1", ["h2"])
    assert reply["links"] == [f"{fab.device(1)}/{fab.ports(1)[fab.cable_ifname(1, 2)]}-"
                              f"{fab.device(2)}/{fab.ports(2)[fab.cable_ifname(2, 1)]}"], "the direct s1-s2 link"
    assert h1.vf(topo.TUNNEL_VF)["loopback"] == "off"
    assert h2.vf(topo.MONITOR_VF)["vlan_mirror"] == "111"

    watch = monitors(fab)
    watch["uplink"] = (None, h1.uplink, ("-Q", "in"))
    sent, got, caps = send_and_capture(fab, lab, "h1", "remote", watch)

    assert [bytes(p) for p in got] == [bytes(p) for p in sent], "originals byte-identical at the destination"
    assert vlans(caps["uplink"]) == [111] and len(caps["uplink"]) == N, "copies leave the source uplink tagged"
    assert [untagged(p) for p in caps["uplink"]] == [bytes(p) for p in sent]
    assert vlans(caps["h2-mon"]) == [111] and len(caps["h2-mon"]) == N
    assert [untagged(p) for p in caps["h2-mon"]] == [bytes(p) for p in sent], "each copy is the original, tagged"
    assert caps["h1-mon"] == [] and caps["h3-mon"] == [], "no other monitor sees a frame"
    for f in fab.flows(1) + fab.flows(2) + fab.flows(3):
        actions = f.split("actions=")[1]
        assert "dl_vlan=" in f and not any(a in actions for a in ("NORMAL", "FLOOD", "ALL")), \
            f"the switches forward by VLAN only: {f}"


def test_one_source_to_two_remote_monitors_both_get_every_copy(fab, lab, session):
    h1, h2, h3 = fab.servers
    reply = remote(fab, session, "r-two", 121, "h1", ["h2", "h3"])
    [s1_flow] = [f for f in fab.flows(1) if "dl_vlan=121" in f]
    assert s1_flow.count("output:") == 2, f"s1 replicates to both branches: {s1_flow}"
    assert len(reply["links"]) == 2

    _, got, caps = send_and_capture(fab, lab, "h1", "two", monitors(fab))

    assert len(got) == N
    for m in ("h2-mon", "h3-mon"):
        assert len(caps[m]) == N and vlans(caps[m]) == [121], m
        assert [untagged(p) for p in caps[m]] == [bytes(p) for p in got]
    assert caps["h1-mon"] == []


def test_a_local_session_keeps_its_copies_off_the_fabric(fab, lab, session):
    h3 = fab.server("h3")
    h3.ctl("apply", "r-local", "--source", f"{h3.nsf}/svc0", "--tunnel", f"{h3.pf}/{topo.TUNNEL_VF}", "--vlan",
           "131", "--direction", "rx", "--monitor", f"{h3.pf}/{topo.MONITOR_VF}")
    session.append(("binding", h3, "r-local"))
    assert h3.vf(topo.TUNNEL_VF)["loopback"] == "on"

    watch = monitors(fab)
    watch["uplink"] = (None, h3.uplink, ())
    _, got, caps = send_and_capture(fab, lab, "h3", "local", watch)

    assert len(got) == N
    assert len(caps["h3-mon"]) == N and vlans(caps["h3-mon"]) == [131]
    assert caps["uplink"] == [], "0 frames on the uplink"
    assert caps["h1-mon"] == [] and caps["h2-mon"] == []
    assert not any("dl_vlan=131" in f for n in (1, 2, 3) for f in fab.flows(n))


def test_a_failed_link_on_the_active_path_moves_it_and_copies_arrive_again(fab, lab, session):
    h2 = fab.server("h2")
    remote(fab, session, "r-move", 141, "h1", ["h2"])
    assert not any("dl_vlan=141" in f for f in fab.flows(3)), "the direct s1-s2 link first"
    try:
        fab.link(1, 2, up=False)

        def intent():
            [i] = [i for i in fab.request(op="intents")["intents"] if i["key"] == "r-move/h1/141"]
            return i
        # The controller answers with the intent's new tree once every switch has its new flows.
        wait(lambda: len(intent()["links"]) == 2, "the tree through s3")
        assert intent()["state"] == "INSTALLED"
        assert any("dl_vlan=141" in f for f in fab.flows(3)), "a flow through s3"
        [s2_flow] = [f for f in fab.flows(2) if "dl_vlan=141" in f]
        assert f"in_port={fab.ports(2)[fab.cable_ifname(2, 3)]}" in s2_flow, "s2 now takes it from s3"

        _, got, caps = send_and_capture(fab, lab, "h1", "moved", {"h2-mon": (h2.nmf, "mon0", ())})
        assert len(got) == N and len(caps["h2-mon"]) == N
    finally:
        fab.link(1, 2, up=True)


def test_removing_the_session_takes_its_flows_away_and_copies_stop(fab, lab, session):
    h1, h2 = fab.server("h1"), fab.server("h2")
    reply = remote(fab, session, "r-gone", 151, "h1", ["h2"])
    _, _, caps = send_and_capture(fab, lab, "h1", "before", {"h2-mon": (h2.nmf, "mon0", ())})
    assert len(caps["h2-mon"]) == N

    assert fab.withdraw(reply["key"])["state"] == "WITHDRAWN"
    for server in (h1, h2):
        server.ctl("remove", "r-gone")
    session.clear()

    assert not any("dl_vlan=151" in f for n in (1, 2, 3) for f in fab.flows(n)), "flows gone"
    assert h1.vf(topo.TUNNEL_VF)["loopback"] == "off" and h2.vf(topo.MONITOR_VF)["vlan_mirror"] in ("", "none")
    watch = {"h2-mon": (h2.nmf, "mon0", ()), "uplink": (None, h1.uplink, ("-Q", "in"))}
    _, got, caps = send_and_capture(fab, lab, "h1", "after", watch)
    assert len(got) == N
    assert caps["h2-mon"] == [] and caps["uplink"] == [], "copies stop"


def test_after_an_agent_restart_mirroring_resumes(fab, lab, session):
    h1, h2 = fab.server("h1"), fab.server("h2")
    remote(fab, session, "r-restart", 161, "h1", ["h2"])
    for server in (h1, h2):
        server.stop_agent(signal.SIGKILL)
    fab.start_agents([h1, h2])
    assert [l.split()[:2] for l in h1.ctl("list").stdout.splitlines()] == [["r-restart", "active"]]
    assert json.loads(h2.ctl("--json", "info").stdout)["bindings"] == 1

    _, got, caps = send_and_capture(fab, lab, "h1", "restart", {"h2-mon": (h2.nmf, "mon0", ())})
    assert len(got) == N and len(caps["h2-mon"]) == N


def test_the_netcfg_names_every_agent_with_its_uplink_as_ovs_numbered_it(fab):
    cfg = json.loads((fab.state / "netcfg.json").read_text())["apps"]["org.mirrortunnel.app"]["agents"]
    assert sorted(cfg) == ["h1", "h2", "h3"]
    for s in fab.servers:
        a = cfg[s.name]
        assert a["address"] == s.address
        ofport = int(topo.run("ovs-vsctl", "get", "Interface", s.uplink, "ofport").stdout)
        assert a["uplink"] == f"{fab.device(s.n)}/{ofport}"
        assert sorted(a["ports"].values()) == [f"{s.nsf}/svc0", f"{s.nsf}/svc1"]
        for f in ("ca", "cert", "key"):
            assert (fab.certs / a[f].rsplit("/", 1)[1]).exists()
