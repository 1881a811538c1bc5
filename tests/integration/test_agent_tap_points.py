"""The agent's TAP points and either-side filters, as a real process on the netns lab.

The NSF's svc0 is one end of a veth; its peer, eth0 in the source namespace, is the host side (the back
end). A binding at the front end taps svc0 through tunnel VF 1 (tun0, in the NSF's namespace); one at the
back end taps eth0 through tunnel VF 3 (tunb0, in the source namespace). Both send their copies to the
monitor VF 2, each on its own VLAN, so one capture compares what the two TAP points copied.
"""
import json
import subprocess

import pytest
from scapy.all import raw

from test_agent import MTAPCTL, agent_lab, fresh_agent  # noqa: F401 (agent_lab is a fixture)
from test_agent_abuse import HostReader, refused
from test_tap import MAC_A, MAC_B, copies_of, udp

FRONT, BACK = 100, 200


def dst(al):
    """The lab's destination namespace, behind the NSF's svc1."""
    return al.src[:-len("src")] + "dst"


def inventory(al):
    al.add_vf(3, al.src, "tunb0")
    return [{"pf": al.pf, "vfs": [
        {"vf": 1, "role": "tunnel", "netns": al.nsf, "ifname": "tun0"},
        {"vf": 2, "role": "monitor", "netns": al.nmf, "ifname": "mon0"},
        {"vf": 3, "role": "tunnel", "netns": al.src, "ifname": "tunb0"}]}]


@pytest.fixture
def agent(agent_lab):
    with fresh_agent(agent_lab, inventory(agent_lab)) as running:
        yield running


def binding(al, id, tap_at, tunnel, vlan, direction, flt):
    return {"id": id, "sources": [{"netns": al.nsf, "ifname": "svc0", "tunnel": {"pf": al.pf, "vf": tunnel}}],
            "direction": direction, "filter": flt, "vlans": [vlan], "tapAt": tap_at,
            "monitors": [{"vf": {"pf": al.pf, "vf": 2}}], "enabled": True}


def sync(al, *bindings):
    path = al.tmp / "tap-points.json"
    path.write_text(json.dumps({"bindings": list(bindings)}))
    r = json.loads(al.ctl("--json", "sync", str(path)).stdout)
    assert [a["state"] for a in r["applied"]] == ["ACTIVE"] * len(bindings), r
    return r


def both_points(al, direction, flt):
    """The same session at the front end (VLAN 100) and at the back end (VLAN 200)."""
    sync(al, binding(al, "front", "FRONT_END", 1, FRONT, direction, flt),
         binding(al, "back", "BACK_END", 3, BACK, direction, flt))


# A UDP flow with port 5000 on the destination's side: requests from the source namespace, replies from the
# destination namespace; and a flow on other ports.
REQUESTS = [udp("192.0.2.1", "192.0.2.2", 40000 + i, 5000) for i in range(4)]
REPLIES = [udp("192.0.2.2", "192.0.2.1", 5000, 40000 + i, mac_src=MAC_B, mac_dst=MAC_A) for i in range(4)]
OTHER = [udp("192.0.2.1", "192.0.2.2", 40100, 6000), udp("192.0.2.2", "192.0.2.1", 6000, 40100, mac_src=MAC_B,
                                                            mac_dst=MAC_A)]


def exchange(al, lab):
    """Sends the requests and replies through the NSF; the copies at the monitor by VLAN."""
    cap = lab.capture(al.nmf, "mon0", "vlan")
    lab.send(al.src, "eth0", REQUESTS + OTHER[:1])
    lab.send(dst(al), "eth0", REPLIES + OTHER[1:])
    by_vlan = {}
    for vlan, frame in copies_of(cap.stop(settle=0.5)):
        by_vlan.setdefault(vlan, []).append(frame)
    return by_vlan


def test_both_tap_points_copy_the_same_packets_with_the_nsfs_direction(agent):
    al, lab = agent
    # Either side: port 5000 catches the requests and their replies.
    both_points(al, "BOTH", {"ipProtocol": 17, "port": 5000})
    tapped = {d for d, _ in al.sessions()} | {p["dev"] for p in json.loads(subprocess.run(
        [MTAPCTL, "-n", al.src, "-j", "show"], capture_output=True, text=True, check=True).stdout) if p["sessions"]}
    assert tapped == {"svc0", "eth0"}, "the back end taps the veth peer"
    got = exchange(al, lab)
    flow = sorted(raw(f) for f in REQUESTS + REPLIES)
    assert sorted(got.get(FRONT, [])) == flow
    assert sorted(got.get(BACK, [])) == flow

    # RX is what the NSF receives on svc0: the requests, which at the back end eth0 sends.
    both_points(al, "RX", {"ipProtocol": 17, "port": 5000})
    got = exchange(al, lab)
    assert sorted(got.get(FRONT, [])) == sorted(raw(f) for f in REQUESTS)
    assert sorted(got.get(BACK, [])) == sorted(raw(f) for f in REQUESTS)

    # TX with either-side prefix and a one-sided port: the replies only.
    both_points(al, "TX", {"prefix": "192.0.2.2", "ipProtocol": 17, "srcPort": 5000})
    got = exchange(al, lab)
    assert sorted(got.get(FRONT, [])) == sorted(raw(f) for f in REPLIES)
    assert sorted(got.get(BACK, [])) == sorted(raw(f) for f in REPLIES)

    # A session replaced in place keeps its counters: the three rounds' copies, at each point.
    stats = {b["id"]: b for b in json.loads(al.ctl("--json", "stats").stdout)["bindings"]}
    assert int(stats["front"]["tap"]["mirrored"]) == int(stats["back"]["tap"]["mirrored"]) == 2 * len(flow)


class PointsReader(HostReader):
    """The host reader of the abuse tests, with the back end's namespace too."""

    def picture(self):
        taps = subprocess.run([MTAPCTL, "-n", self.al.src, "-j", "show"], capture_output=True, text=True,
                              check=True).stdout
        return super().picture() + (taps,)


def test_a_back_end_with_no_veth_peer_a_tunnel_elsewhere_or_a_bad_filter_changes_nothing(agent):
    al, _ = agent
    sync(al, binding(al, "front", "FRONT_END", 1, FRONT, "BOTH", {}))
    pf, nsf = al.pf, al.nsf
    base = ["--vlan", "300", "--monitor", f"{pf}/2"]
    requests = [
        (["apply", "x1", "--source", f"{nsf}/br0", "--tunnel", f"{pf}/3", "--tap-at", "back", *base],
         "INVALID_ARGUMENT: sources[0].ifname: tap_at BACK_END watches the host side of a veth, and br0"),
        (["apply", "x2", "--source", f"{nsf}/svc1", "--tunnel", f"{pf}/3", "--tap-at", "back", *base],
         f"INVALID_ARGUMENT: sources[0].tunnel: VF {pf}/3 lives in namespace '{al.src}', not in '{dst(al)}'"),
        (["apply", "front", "--source", f"{nsf}/svc0", "--tunnel", f"{pf}/1", "--vlan", "100", "--monitor",
          f"{pf}/2", "--net", "192.0.2.0/8"], "INVALID_ARGUMENT: filter.prefix"),
        (["apply", "front", "--source", f"{nsf}/svc0", "--tunnel", f"{pf}/1", "--vlan", "100", "--monitor",
          f"{pf}/2", "--port", "53"], "INVALID_ARGUMENT: filter.port"),
        (["apply", "back", "--source", f"{nsf}/svc0", "--tunnel", f"{pf}/3", "--vlan", "200", "--monitor",
          f"{pf}/2", "--tap-at", "back", "--src", "192.0.2.0/24", "--net", "2001:db8::/32"],
         "INVALID_ARGUMENT: filter.prefix"),
    ]
    with PointsReader(al) as reader:
        for args, error in requests:
            refused(al, args, error)
    assert reader.reads > 10, "the reader polled during the requests"
    assert len(reader.seen) == 1, f"the host changed during refused requests: {reader.seen}"
    assert [l.split()[:2] for l in al.ctl("list").stdout.splitlines()] == [["front", "active"]]
