"""Remote monitoring across the Mininet fabric, end to end: three hosts with emulated NICs and their own agents,
three Open vSwitch switches in a triangle, and the stand-in for ONOS running the app's own mirror manager, store and
agent programmer (mTLS gRPC to the agents) on ONOS's services; the intents the manager submits are compiled by ONOS's
own compilers into the only flows on the switches. Sessions are created as the REST API takes them; real frames
come from each NSF's traffic source.

The fabric is built once for the module; each test uses its own session and VLAN and removes them.
"""
import json
import re
import signal
import sys
import time
import uuid

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "test-topologies" / "mininet"))
import fabric as topo  # noqa: E402

N = 20
APP = "org.mirrortunnel.app"


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
def sessions(fab):
    """Sessions a test creates, removed at its end whatever happened; no intent may outlive them."""
    made = []
    yield made
    for sid in made:
        try:
            fab.remove(sid)
        except topo.ControlError:
            pass
    wait(lambda: fab.intents() == [], "every intent withdrawn with its session")


def create(fab, sessions, name, vlan, source, monitors, direction="RX"):
    """Creates a session through the app and waits until every host reports it ACTIVE."""
    s = fab.create(name=name, sources=[source], monitors=list(monitors), direction=direction, vlans=[vlan])
    sessions.append(s["id"])
    assert s["vlans"] == [vlan]
    return fab.wait_active(s["id"])


def assert_app_intents(fab, keys):
    """The controller holds exactly the app's intents for these keys: ONOS's SinglePointToMultiPointIntent,
    installed; nothing else submitted them."""
    intents = fab.intents()
    assert sorted(i["key"] for i in intents) == sorted(keys), intents
    for i in intents:
        assert (i["type"], i["app"], i["state"]) == ("SinglePointToMultiPointIntent", APP, "INSTALLED"), i
    return {i["key"]: i for i in intents}


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


def test_remote_copies_leave_the_uplink_tagged_and_reach_the_remote_monitor_only(fab, lab, sessions):
    h1, h2, h3 = fab.servers
    # h3's monitor takes another VLAN: it must see neither this session's copies nor anything else.
    create(fab, sessions, "r-other", 112, h3.source_port, [h3.monitor_port])
    s = create(fab, sessions, "r-remote", 111, h1.source_port, [h2.monitor_port])
    key = f"{s['id']}/h1/111"
    intent = assert_app_intents(fab, [key])[key]
    assert intent["links"] == [f"{fab.device(1)}/{fab.ports(1)[fab.cable_ifname(1, 2)]}-"
                               f"{fab.device(2)}/{fab.ports(2)[fab.cable_ifname(2, 1)]}"], "the direct s1-s2 link"
    assert h1.vf(topo.TUNNEL_VF)["loopback"] == "off"
    assert h2.vf(topo.MONITOR_VF)["vlan_mirror"] == "111"

    watch = monitors(fab)
    watch["uplink"] = (fab.netns, h1.uplink, ("-Q", "in"))
    sent, got, caps = send_and_capture(fab, lab, "h1", "remote", watch)

    assert [bytes(p) for p in got] == [bytes(p) for p in sent], "originals byte-identical at the destination"
    assert vlans(caps["uplink"]) == [111] and len(caps["uplink"]) == N, "copies leave the source uplink tagged"
    assert [untagged(p) for p in caps["uplink"]] == [bytes(p) for p in sent]
    assert vlans(caps["h2-mon"]) == [111] and len(caps["h2-mon"]) == N
    assert [untagged(p) for p in caps["h2-mon"]] == [bytes(p) for p in sent], "each copy is the original, tagged"
    assert caps["h1-mon"] == [] and caps["h3-mon"] == [], "no other monitor sees a frame"
    flows = fab.flows(1) + fab.flows(2) + fab.flows(3)
    cookie = re.compile(r"cookie=(0x[0-9a-f]+)")
    assert sorted(cookie.search(f).group(1) for f in flows) == \
        sorted(cookie.search(f).group(1) for f in intent["flows"]), \
        "the switches hold the flows of the app's intent (cookie = ONOS's FlowId) and nothing else"
    for f in flows:
        actions = f.split("actions=")[1]
        assert "dl_vlan=" in f and not any(a in actions for a in ("NORMAL", "FLOOD", "ALL")), \
            f"the switches forward by VLAN only: {f}"


def test_one_source_to_two_remote_monitors_both_get_every_copy(fab, lab, sessions):
    h1, h2, h3 = fab.servers
    # Named as an operator would: the source by its MAC (the agents' network config names the port), one
    # monitor by its IP (ONOS's hosts give its MAC, the agent's inventory the VF).
    s = create(fab, sessions, "r-two", 121, f"host:{h1.mac(h1.nsf, 'svc0')}", [h2.monitor_port,
                                                                                f"host:{h3.monitor_ip}"])
    assert sorted(m["agent"] for m in s["monitorPoints"]) == ["h2", "h3"], s["monitorPoints"]
    key = f"{s['id']}/h1/121"
    intent = assert_app_intents(fab, [key])[key]
    [s1_flow] = [f for f in fab.flows(1) if "dl_vlan=121" in f]
    assert s1_flow.count("output:") == 2, f"s1 replicates to both branches: {s1_flow}"
    assert len(intent["links"]) == 2

    _, got, caps = send_and_capture(fab, lab, "h1", "two", monitors(fab))

    assert len(got) == N
    for m in ("h2-mon", "h3-mon"):
        assert len(caps[m]) == N and vlans(caps[m]) == [121], m
        assert [untagged(p) for p in caps[m]] == [bytes(p) for p in got]
    assert caps["h1-mon"] == []


def test_a_local_session_keeps_its_copies_off_the_fabric(fab, lab, sessions):
    h3 = fab.server("h3")
    create(fab, sessions, "r-local", 131, h3.source_port, [h3.monitor_port])
    assert h3.vf(topo.TUNNEL_VF)["loopback"] == "on"
    assert_app_intents(fab, [])

    watch = monitors(fab)
    watch["uplink"] = (fab.netns, h3.uplink, ())
    _, got, caps = send_and_capture(fab, lab, "h3", "local", watch)

    assert len(got) == N
    assert len(caps["h3-mon"]) == N and vlans(caps["h3-mon"]) == [131]
    assert caps["uplink"] == [], "0 frames on the uplink"
    assert caps["h1-mon"] == [] and caps["h2-mon"] == []
    assert not any("dl_vlan=131" in f for n in (1, 2, 3) for f in fab.flows(n))


def test_a_failed_link_on_the_active_path_moves_it_and_copies_arrive_again(fab, lab, sessions):
    h1, h2 = fab.server("h1"), fab.server("h2")
    s = create(fab, sessions, "r-move", 141, h1.source_port, [h2.monitor_port])
    key = f"{s['id']}/h1/141"
    assert_app_intents(fab, [key])
    assert not any("dl_vlan=141" in f for f in fab.flows(3)), "the direct s1-s2 link first"
    try:
        fab.link(1, 2, up=False)
        # The controller answers with the intent's new tree once every switch has its new flows.
        wait(lambda: len(fab.intent(key)["links"]) == 2, "the tree through s3")
        assert_app_intents(fab, [key])
        assert any("dl_vlan=141" in f for f in fab.flows(3)), "a flow through s3"
        [s2_flow] = [f for f in fab.flows(2) if "dl_vlan=141" in f]
        assert f"in_port={fab.ports(2)[fab.cable_ifname(2, 3)]}" in s2_flow, "s2 now takes it from s3"

        _, got, caps = send_and_capture(fab, lab, "h1", "moved", {"h2-mon": (h2.nmf, "mon0", ())})
        assert len(got) == N and len(caps["h2-mon"]) == N
    finally:
        fab.link(1, 2, up=True)


def test_removing_the_session_takes_its_flows_away_and_copies_stop(fab, lab, sessions):
    h1, h2 = fab.server("h1"), fab.server("h2")
    s = create(fab, sessions, "r-gone", 151, h1.source_port, [h2.monitor_port])
    _, _, caps = send_and_capture(fab, lab, "h1", "before", {"h2-mon": (h2.nmf, "mon0", ())})
    assert len(caps["h2-mon"]) == N

    fab.remove(s["id"])
    sessions.clear()

    assert fab.intents() == [], "the intent withdrawn and purged"
    assert not any("dl_vlan=151" in f for n in (1, 2, 3) for f in fab.flows(n)), "flows gone"
    wait(lambda: h2.vf(topo.MONITOR_VF)["vlan_mirror"] in ("", "none"), "the monitor VF mirrors nothing")
    with pytest.raises(topo.ControlError) as gone:
        fab.session(s["id"])
    assert gone.value.code == 404
    watch = {"h2-mon": (h2.nmf, "mon0", ()), "uplink": (fab.netns, h1.uplink, ("-Q", "in"))}
    _, got, caps = send_and_capture(fab, lab, "h1", "after", watch)
    assert len(got) == N
    assert caps["h2-mon"] == [] and caps["uplink"] == [], "copies stop"


def test_after_an_agent_restart_mirroring_resumes(fab, lab, sessions):
    h1, h2 = fab.server("h1"), fab.server("h2")
    s = create(fab, sessions, "r-restart", 161, h1.source_port, [h2.monitor_port])
    for server in (h1, h2):
        server.stop_agent(signal.SIGKILL)
    wait(lambda: not any(a["connected"] for n, a in fab.agents().items() if n in ("h1", "h2")),
         "the app sees both agents lost", timeout=30)
    assert fab.session(s["id"])["operState"] == "DEGRADED"
    fab.start_agents([h1, h2])
    fab.wait_agents()
    fab.wait_active(s["id"])
    assert_app_intents(fab, [f"{s['id']}/h1/161"])

    _, got, caps = send_and_capture(fab, lab, "h1", "restart", {"h2-mon": (h2.nmf, "mon0", ())})
    assert len(got) == N and len(caps["h2-mon"]) == N


def test_the_netcfg_names_every_agent_with_its_uplink_and_the_app_reaches_each(fab):
    cfg = json.loads((fab.state / "netcfg.json").read_text())["apps"][APP]["agents"]
    assert sorted(cfg) == ["h1", "h2", "h3"]
    agents = fab.agents()
    for s in fab.servers:
        a = cfg[s.name]
        assert a["address"] == s.address
        ofport = int(fab.ovs("ovs-vsctl", "get", "Interface", s.uplink, "ofport").stdout)
        assert a["uplink"] == f"{fab.device(s.n)}/{ofport}"
        assert sorted(a["ports"].values()) == [f"{s.nsf}/svc0", f"{s.nsf}/svc1"]
        for f in ("ca", "cert", "key"):
            assert (fab.certs / a[f].rsplit("/", 1)[1]).exists()
        assert agents[s.name]["connected"] and agents[s.name]["address"] == s.address, agents[s.name]


def test_a_session_the_app_refuses_changes_nothing(fab, sessions):
    h1 = fab.server("h1")
    with pytest.raises(topo.ControlError) as refused:
        fab.create(name="r-bad", sources=[h1.source_port], monitors=["h9:mon0"], vlans=[171])
    assert (refused.value.code, refused.value.field) == (400, "monitors[0]"), refused.value
    assert fab.request(op="sessions")["sessions"] == [] and fab.intents() == []
