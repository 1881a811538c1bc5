"""The emulated SR-IOV NIC (nicemu): switching, VLAN mirror, loopback, VF link state, counters and
limits, proven with real tagged frames through real namespaces, veth pairs and eBPF."""
import json
import subprocess
from pathlib import Path

import pytest
from scapy.all import Ether, IP, TCP, UDP, Dot1Q, Raw, raw

from conftest import NATIVE_BUILD, PIN_ROOT

NICEMU = str(NATIVE_BUILD / "nicemu")
RUN_DIR = Path("/run/mirrortunnel/nic")
MARK = 4789          # UDP source port of every test frame: captures keep only these
NOBODY = "02:aa:bb:cc:dd:ee"   # a MAC no VF owns: frames to it head for the uplink
TUN_MAC = "02:00:00:00:01:01"
MON_MAC = "02:00:00:00:01:02"
MON2_MAC = "02:00:00:00:01:03"


def nicemu(*args, check=True):
    result = subprocess.run([NICEMU, *args], capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"nicemu {' '.join(args)} failed: {result.stderr.strip()}")
    return result


def quiet_ns(lab, name):
    """A namespace whose interfaces send no IPv6 chatter, so counters and captures hold only test frames."""
    ns = lab.ns(name)
    for key in ("default", "all"):
        lab.run(ns, "sysctl", "-qw", f"net.ipv6.conf.{key}.disable_ipv6=1")
    return ns


class Nic:
    def __init__(self, lab, pf):
        self.lab = lab
        self.pf = pf
        self.sw = quiet_ns(lab, "sw")
        self.tun = quiet_ns(lab, "tun")
        self.mon = quiet_ns(lab, "mon")
        self.wire = quiet_ns(lab, "wire")
        nicemu("pf", "add", self.pf, "switch-netns", self.sw, "uplink-netns", self.wire,
               "uplink-ifname", "wire0")
        nicemu("vf", "add", self.pf, "1", "netns", self.tun, "ifname", "tun0", "mac", TUN_MAC)
        nicemu("vf", "add", self.pf, "2", "netns", self.mon, "ifname", "mon0", "mac", MON_MAC)

    def set(self, vf, attr, *value):
        return nicemu("vf", "set", self.pf, str(vf), attr, *value)

    def get(self, vf, attr):
        return nicemu("vf", "get", self.pf, str(vf), attr).stdout.strip()

    def stats(self, vf):
        return json.loads(nicemu("-j", "vf", "get", self.pf, str(vf), "stats").stdout)

    def show(self):
        [pf] = json.loads(nicemu("-j", "pf", "show", self.pf).stdout)
        return pf

    def exchange(self, src_ns, src_if, frames, *watch):
        """Sends frames from src_ns/src_if; returns, per watched (ns, ifname), the (vlan, dport) of the
        test frames captured there (None as vlan when untagged)."""
        caps = [self.lab.capture(ns, ifname) for ns, ifname in watch]
        self.lab.send(src_ns, src_if, frames)
        return [seen(cap.stop()) for cap in caps]


def seen(packets):
    return sorted((p[Dot1Q].vlan if Dot1Q in p else None, p[UDP].dport)
                  for p in packets if UDP in p and p[UDP].sport == MARK)


def frame(vid, dport=9, src=TUN_MAC, dst=NOBODY, size=0):
    f = Ether(src=src, dst=dst)
    if vid is not None:
        f = f / Dot1Q(vlan=vid)
    return f / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=MARK, dport=dport) / Raw(b"m" * size)


@pytest.fixture
def nic(lab):
    pf = f"mt{lab.run_id}pf"
    try:
        yield Nic(lab, pf)
    finally:
        nicemu("pf", "del", pf)


def test_vlan_mirror_add_rem_and_clear(nic):
    nic.set(2, "vlan_mirror", "add 2,4,18-22")
    assert nic.get(2, "vlan_mirror") == "2,4,18-22"
    vids = [2, 3, 4, 17, 18, 20, 22, 23]
    mon, wire = nic.exchange(nic.tun, "tun0", [frame(v) for v in vids], (nic.mon, "mon0"), (nic.wire, "wire0"))
    assert mon == [(v, 9) for v in (2, 4, 18, 20, 22)]
    assert wire == [(v, 9) for v in vids]           # loopback off: all leave the uplink, tagged

    nic.set(2, "vlan_mirror", "rem", "18-20")       # two-word form
    assert nic.get(2, "vlan_mirror") == "2,4,21-22"
    [mon] = nic.exchange(nic.tun, "tun0", [frame(v) for v in (2, 18, 19, 20, 21, 22)], (nic.mon, "mon0"))
    assert mon == [(2, 9), (21, 9), (22, 9)]

    nic.set(2, "vlan_mirror", "rem 0-4095")
    assert nic.get(2, "vlan_mirror") == ""
    [mon] = nic.exchange(nic.tun, "tun0", [frame(v) for v in (2, 4, 21)], (nic.mon, "mon0"))
    assert mon == []


def test_untagged_and_accelerated_tags_follow_the_outer_vlan(nic):
    nic.set(2, "vlan_mirror", "add 7")
    qinq = Ether(src=TUN_MAC, dst=NOBODY) / Dot1Q(vlan=7) / Dot1Q(vlan=8) / IP() / UDP(sport=MARK, dport=1)
    inner = Ether(src=TUN_MAC, dst=NOBODY) / Dot1Q(vlan=8) / Dot1Q(vlan=7) / IP() / UDP(sport=MARK, dport=2)
    [mon] = nic.exchange(nic.tun, "tun0", [frame(None, dport=3), qinq, inner], (nic.mon, "mon0"))
    assert mon == [(7, 1)]


def test_two_monitors_each_get_their_vlans(nic, lab):
    mon2 = quiet_ns(lab, "mon2")
    nicemu("vf", "add", nic.pf, "3", "netns", mon2, "ifname", "mon1", "mac", MON2_MAC)
    nic.set(2, "vlan_mirror", "add 10,30")
    nic.set(3, "vlan_mirror", "add 20,30")
    a, b = nic.exchange(nic.tun, "tun0", [frame(v) for v in (10, 20, 30, 40)], (nic.mon, "mon0"), (mon2, "mon1"))
    assert a == [(10, 9), (30, 9)]
    assert b == [(20, 9), (30, 9)]


def test_loopback_on_keeps_frames_off_the_wire_but_mirrors(nic):
    nic.set(2, "vlan_mirror", "add 100")
    nic.set(1, "loopback", "on")
    assert nic.get(1, "loopback") == "on"
    frames = [frame(100, dport=d) for d in range(5)] + [frame(101), frame(100, dst="ff:ff:ff:ff:ff:ff")]
    mon, wire = nic.exchange(nic.tun, "tun0", frames, (nic.mon, "mon0"), (nic.wire, "wire0"))
    assert wire == []
    # The broadcast is flooded to mon0 once, not once more as a mirror copy.
    assert mon == sorted([(100, d) for d in range(5)] + [(100, 9)])
    assert nic.show()["drops"]["loopback"] == 7


def test_loopback_off_sends_the_frames_tagged_to_the_wire(nic):
    nic.set(2, "vlan_mirror", "add 100")
    nic.set(1, "loopback", "on")
    nic.set(1, "loopback", "off")
    assert nic.get(1, "loopback") == "off"
    mon, wire = nic.exchange(nic.tun, "tun0", [frame(100, dport=d) for d in range(3)],
                             (nic.mon, "mon0"), (nic.wire, "wire0"))
    assert wire == [(100, d) for d in range(3)]
    assert mon == wire


def test_frames_from_the_uplink_with_a_mirrored_vlan_reach_the_monitor(nic):
    nic.set(2, "vlan_mirror", "add 200")
    frames = [frame(200, dport=1, src="02:00:00:00:09:09"),                 # for nobody here: copy only
              frame(201, dport=2, src="02:00:00:00:09:09"),                 # not mirrored: dropped
              frame(200, dport=3, src="02:00:00:00:09:09", dst=MON_MAC),    # for mon0 itself: once
              frame(None, dport=4, src="02:00:00:00:09:09", dst=TUN_MAC)]   # plain switching
    mon, tun = nic.exchange(nic.wire, "wire0", frames, (nic.mon, "mon0"), (nic.tun, "tun0"))
    assert mon == [(200, 1), (200, 3)]
    assert tun == [(None, 4)]
    assert nic.show()["drops"]["no_destination"] == 2


def test_vf_to_vf_switching_by_mac(nic):
    mon, wire = nic.exchange(nic.tun, "tun0", [frame(None, dst=MON_MAC, dport=5)],
                             (nic.mon, "mon0"), (nic.wire, "wire0"))
    assert mon == [(None, 5)]
    assert wire == []


def test_a_monitor_gets_no_copy_of_its_own_frames(nic, lab):
    nic.set(2, "vlan_mirror", "add 6")
    cap = lab.capture(nic.mon, "mon0", "inbound")
    lab.send(nic.mon, "mon0", [frame(6, src=MON_MAC)])
    assert seen(cap.stop()) == []
    assert nic.stats(2)["tx_packets"] == 1 and nic.stats(2)["rx_packets"] == 0


def link_flags(lab, ns, ifname):
    [link] = json.loads(lab.run(ns, "ip", "-j", "link", "show", "dev", ifname).stdout)
    return link["flags"]


def test_link_state_disable_enable_auto(nic, lab):
    assert "LOWER_UP" in link_flags(lab, nic.tun, "tun0")
    nic.set(1, "link_state", "disable")
    assert nic.get(1, "link_state") == "disable"
    flags = link_flags(lab, nic.tun, "tun0")
    assert "NO-CARRIER" in flags and "LOWER_UP" not in flags
    assert nic.show()["vfs"][0]["carrier"] is False

    nic.set(2, "vlan_mirror", "add 5")
    nic.set(2, "link_state", "disable")
    nic.set(1, "link_state", "enable")
    assert "LOWER_UP" in link_flags(lab, nic.tun, "tun0")
    # The monitor is down: its copies are dropped and counted, the original still leaves.
    [wire] = nic.exchange(nic.tun, "tun0", [frame(5)], (nic.wire, "wire0"))
    assert wire == [(5, 9)]
    assert nic.stats(2)["rx_dropped"] == 1
    assert nic.show()["drops"]["vf_link_down"] == 1

    # auto follows the uplink's carrier, read when set.
    lab.run(nic.wire, "ip", "link", "set", "wire0", "down")
    nic.set(1, "link_state", "auto")
    assert "NO-CARRIER" in link_flags(lab, nic.tun, "tun0")
    lab.run(nic.wire, "ip", "link", "set", "wire0", "up")
    nic.set(1, "link_state", "auto")
    assert "LOWER_UP" in link_flags(lab, nic.tun, "tun0")
    assert nic.get(1, "link_state") == "auto"


def refused(*args):
    r = nicemu(*args, check=False)
    assert r.returncode != 0, f"accepted: {args}"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nicemu: "), r.stderr
    return lines[0]


def test_limits_and_bad_input_change_nothing(nic):
    pf = nic.pf
    nic.set(2, "vlan_mirror", "add 1-100,200-291")            # 192 VLANs: the i40e maximum
    before = nic.get(2, "vlan_mirror")
    assert before == "1-100,200-291"
    assert "at most 192" in refused("vf", "set", pf, "2", "vlan_mirror", "add 300")
    assert "at most 192" in refused("vf", "set", pf, "2", "vlan_mirror", "add 292-4094")
    nic.set(2, "vlan_mirror", "add 1-5,250")                  # already there: still 192
    for bad in ("add 0", "add 4095", "add 5-4095", "add x", "add 3,", "add 9-4", "add", "del 3",
                "add 2;4", "rem 4096", "add 1 2"):
        refused("vf", "set", pf, "2", "vlan_mirror", bad)
    nic.set(2, "vlan_mirror", "rem 3000-3010")                 # removing absent VLANs is fine
    assert nic.get(2, "vlan_mirror") == before
    assert "VF 7 not found" in refused("vf", "set", pf, "7", "vlan_mirror", "add 5")
    refused("vf", "set", pf, "64", "loopback", "on")
    refused("vf", "set", pf, "-1", "loopback", "on")
    refused("vf", "set", pf, "1", "loopback", "maybe")
    refused("vf", "set", pf, "1", "link_state", "up")
    refused("vf", "set", pf, "1", "mtu", "1500")
    refused("vf", "get", pf, "1", "nothing")
    refused("vf", "get", "nosuchpf", "1", "stats")
    refused("vf", "add", pf, "1", "netns", nic.mon, "ifname", "dup0")           # VF exists
    refused("vf", "add", pf, "5", "netns", nic.mon, "ifname", "mon0")           # ifname exists
    refused("vf", "add", pf, "5", "netns", nic.mon, "ifname", "x5", "mac", MON_MAC)  # MAC in use
    refused("vf", "add", pf, "5", "netns", nic.mon, "ifname", "x5", "mac", "01:00:5e:00:00:01")
    refused("vf", "add", pf, "5", "netns", "mt-nosuchns", "ifname", "x5")
    refused("vf", "add", pf, "5", "netns", "../etc", "ifname", "x5")
    refused("vf", "add", pf, "5", "netns", nic.mon, "ifname", "-x5")             # would be an option to ip
    refused("pf", "add", "-p", "switch-netns", nic.sw, "uplink-netns", nic.wire)
    refused("pf", "add", pf, "switch-netns", nic.sw, "uplink-netns", nic.wire)   # PF exists
    assert nic.get(2, "vlan_mirror") == before
    assert nic.get(1, "loopback") == "off" and nic.get(1, "link_state") == "auto"
    assert [vf["vf"] for vf in nic.show()["vfs"]] == [1, 2]


def test_pf_add_refused_without_a_trace(lab):
    sw = lab.ns("sw")
    pf = f"mt{lab.run_id}px"
    refused("pf", "add", pf, "switch-netns", sw, "uplink-netns", "mt-nosuchns")
    refused("pf", "add", pf, "switch-netns", sw)
    refused("pf", "add", pf, "switch-netns", sw, "uplink-netns", sw, "uplink-mac", "zz")
    refused("pf", "add", "bad/name", "switch-netns", sw, "uplink-netns", sw)
    assert not (RUN_DIR / pf).exists() and not (PIN_ROOT / "nic" / pf).exists()
    assert lab.run(sw, "ip", "-o", "link").stdout.count("\n") == 1      # lo only


def test_counters_match_frames_sent(nic):
    nic.set(2, "vlan_mirror", "add 42")
    frames = [frame(42, dport=d, size=10 * d) for d in range(6)] + [frame(43, size=7)]
    nic.exchange(nic.tun, "tun0", frames)
    wire_bytes = [len(bytes(f)) for f in frames]
    tun, mon, up = nic.stats(1), nic.stats(2), nic.show()
    assert tun["tx_packets"] == 7 and tun["tx_bytes"] == sum(wire_bytes)
    assert tun["tx_dropped"] == 0 and tun["tx_errors"] == 0 and tun["rx_packets"] == 0
    assert mon["rx_packets"] == 6 and mon["rx_bytes"] == sum(wire_bytes[:6])
    assert mon["tx_packets"] == 0
    assert sum(up["drops"].values()) == 0
    # A frame to the sender's own MAC is dropped and counted.
    nic.exchange(nic.tun, "tun0", [frame(None, dst=TUN_MAC)])
    assert nic.stats(1)["tx_dropped"] == 1
    assert nic.show()["drops"]["hairpin"] == 1


def test_vf_del_and_pf_del_leave_nothing_behind(nic, lab):
    nic.set(2, "vlan_mirror", "add 9")
    nicemu("vf", "del", nic.pf, "2")
    assert lab.run(nic.mon, "ip", "link", "show", "mon0", check=False).returncode != 0
    assert [vf["vf"] for vf in nic.show()["vfs"]] == [1]
    refused("vf", "del", nic.pf, "2")
    # The VF index, its MAC and name can be used again; the old mirror set is gone.
    nicemu("vf", "add", nic.pf, "2", "netns", nic.mon, "ifname", "mon0", "mac", MON_MAC)
    assert nic.get(2, "vlan_mirror") == ""

    nicemu("pf", "del", nic.pf)
    for ns in (nic.sw, nic.tun, nic.mon, nic.wire):
        assert lab.run(ns, "ip", "-o", "link").stdout.count("\n") == 1, ns      # lo only
    assert not (RUN_DIR / nic.pf).exists()
    assert not (PIN_ROOT / "nic" / nic.pf).exists()
    assert nicemu("pf", "del", nic.pf).returncode == 0                          # idempotent
    assert nic.pf not in [p["pf"] for p in json.loads(nicemu("-j", "pf", "show").stdout)]


def test_pf_del_cleans_up_after_a_crash_halfway_through_pf_add(lab):
    """A pf add that died after its state file and uplink were made, before any pin."""
    sw, wire = lab.ns("sw"), lab.ns("wire")
    pf = f"mt{lab.run_id}pc"
    state = RUN_DIR / pf
    try:
        state.mkdir(parents=True)
        (state / "pf").write_text(f"switch_netns {sw}\nuplink_netns {wire}\nuplink_ifname {pf}\n")
        lab.veth(sw, "uplink", wire, pf)
        lab.veth(sw, "vf3", wire, "half3")
        nicemu("pf", "del", pf)
        for ns in (sw, wire):
            assert lab.run(ns, "ip", "-o", "link").stdout.count("\n") == 1, ns
        assert not state.exists()
    finally:
        subprocess.run([NICEMU, "pf", "del", pf], capture_output=True)


MTAPCTL = str(NATIVE_BUILD / "mtapctl")


def link_stats(lab, ns, ifname):
    [link] = json.loads(lab.run(ns, "ip", "-s", "-j", "link", "show", ifname).stdout)
    return link["stats64"]


def test_a_vf_segments_what_it_sends_so_the_monitor_gets_frames(nic, lab):
    """A TAP copies TCP GSO packets (up to 64 KB) to the tunnel VF; like a real VF, which segments on
    transmit, the NIC switches and mirrors MTU-sized frames, each counted, each with a valid checksum."""
    a = quiet_ns(lab, "a")
    lab.veth(a, "a0", nic.tun, "svc0")
    lab.run(a, "ip", "addr", "add", "10.4.0.1/24", "dev", "a0")
    lab.run(nic.tun, "ip", "addr", "add", "10.4.0.2/24", "dev", "svc0")
    nic.set(2, "vlan_mirror", "add 100")
    nic.set(1, "loopback", "on")
    subprocess.run([MTAPCTL, "-n", nic.tun, "attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100",
                    "direction", "rx"], check=True)
    server = lab.spawn(nic.tun, "iperf3", "-s", "-1")
    at_mon = lab.capture(nic.mon, "mon0", "-B", "65536")   # a buffer for the whole run (-B anywhere)
    lab.run(a, "iperf3", "-c", "10.4.0.2", "-n", "2M", timeout=60)
    server.wait(timeout=10)
    copies = at_mon.stop(settle=1.0)
    [tap] = json.loads(subprocess.run([MTAPCTL, "-n", nic.tun, "-j", "stats", "svc0"], capture_output=True,
                                      text=True, check=True).stdout)
    svc0 = link_stats(lab, nic.tun, "svc0")["rx"]
    tun0, mon0 = link_stats(lab, nic.tun, "tun0")["tx"], link_stats(lab, nic.mon, "mon0")["rx"]
    tun, mon = nic.stats(1), nic.stats(2)

    assert tap["mirrored"] == svc0["packets"] and tap["errors"] == tap["oversized"] == 0
    assert svc0["bytes"] > 1514 * svc0["packets"], "no GSO packet crossed svc0: the test proves nothing"
    # The frames the monitor got (a capture may miss some on a loaded machine): none above the MTU,
    # each with its checksum.
    assert copies and max(len(p) for p in copies) <= 1518
    for p in copies:
        if TCP in p:
            ip = IP(raw(p[IP]))
            del ip[TCP].chksum
            assert IP(raw(ip))[TCP].chksum == p[TCP].chksum, "a copy left the VF without its checksum"
    # Every counter agrees, frame for frame (the NIC counts the session tag in the bytes, veths do not).
    frames = tun["tx_packets"]
    assert frames == mon["rx_packets"] == tun0["packets"] == mon0["packets"]
    assert tun["tx_bytes"] == mon["rx_bytes"] == tun0["bytes"] + 4 * frames == mon0["bytes"] + 4 * frames
    # No frame carries more than an MSS (1448 bytes here) of the TCP payload svc0 received.
    assert frames * 1448 >= svc0["bytes"] - 66 * svc0["packets"]
    assert nic.show()["drops"]["loopback"] == frames
    # Each segment repeats its packet's 66 bytes of Ethernet, IPv4 and TCP headers: nothing else differs.
    assert tun["tx_bytes"] - svc0["bytes"] == 4 * frames + 66 * (frames - tap["mirrored"])
