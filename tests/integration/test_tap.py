"""The eBPF software TAP and mtapctl, on real namespaces, veth pairs, tc and eBPF.

Topology: endpoint A (a0) <-> svc0 [NSF: bridge br0 {svc0, svc1}] svc1 <-> endpoint B (b0), and the
NSF's tunnel tun0 <-> tunp in monitor namespace M. Frames A->B cross svc0's ingress (rx), frames B->A
its egress (tx). The NSF bridges them unchanged, so what B (or A) receives is the NSF's own traffic
after the TAP; what tunp receives are the copies.
"""
import json
import os
import select
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from scapy.all import (ARP, IP, UDP, TCP, ICMP, IPv6, IPv6ExtHdrFragment, Dot1Q, Ether, Raw, fragment, fragment6,
                       raw, wrpcap)

from conftest import NATIVE_BUILD, PIN_ROOT, PYTHON

MTAPCTL = str(NATIVE_BUILD / "mtapctl")
MAC_A = "02:00:00:00:00:0a"
MAC_B = "02:00:00:00:00:0b"

_SEND_PINNED = """
import sys
from scapy.all import rdpcap, sendp
sendp(rdpcap(sys.argv[1]), iface=sys.argv[2], verbose=False)
"""


class Topo:
    def __init__(self, lab):
        self.lab = lab
        self.a, self.n, self.b, self.m = (lab.ns(x) for x in ("a", "nsf", "b", "mon"))
        for ns in (self.a, self.n, self.b, self.m):
            # No IPv6 autoconfiguration chatter on the links under test.
            lab.run(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            lab.run(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        lab.veth(self.a, "a0", self.n, "svc0", mac_a=MAC_A)
        lab.veth(self.b, "b0", self.n, "svc1", mac_a=MAC_B)
        lab.veth(self.n, "tun0", self.m, "tunp")
        # No snooping: the bridge then sends no IGMP of its own through svc0.
        lab.run(self.n, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
        for port in ("svc0", "svc1"):
            lab.run(self.n, "ip", "link", "set", port, "master", "br0")
        lab.run(self.n, "ip", "link", "set", "br0", "up")

    def ctl(self, *args, check=True):
        result = subprocess.run([MTAPCTL, "-n", self.n] + list(args), capture_output=True, text=True,
                                timeout=30)
        if check and result.returncode != 0:
            raise AssertionError(f"mtapctl {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def show(self):
        return json.loads(self.ctl("-j", "show").stdout)

    def stats(self, session):
        return json.loads(self.ctl("-j", "stats", "svc0", "session", str(session)).stdout)[0]

    def send(self, ns, ifname, frames):
        """Sends from one process pinned to CPU 0: per-CPU sampling is then exact."""
        path = Path(self.lab.tmp) / f"send-{uuid.uuid4().hex[:8]}.pcap"
        wrpcap(str(path), frames)
        self.lab.run(ns, "taskset", "-c", "0", PYTHON, "-c", _SEND_PINNED, str(path), ifname)

    def exchange(self, a_to_b=(), b_to_a=(), monitor=True):
        """Sends frames both ways; returns (received at B, received at A, copies on the tunnel)."""
        # Only what arrives from the NSF: a capture also sees its own namespace's sends.
        cap_b = self.lab.capture(self.b, "b0", "ether", "dst", MAC_B)
        cap_a = self.lab.capture(self.a, "a0", "ether", "dst", MAC_A)
        cap_m = self.lab.capture(self.m, "tunp") if monitor else None
        if a_to_b:
            self.send(self.a, "a0", list(a_to_b))
        if b_to_a:
            self.send(self.b, "b0", list(b_to_a))
        return cap_b.stop(), cap_a.stop(settle=0), cap_m.stop(settle=0) if monitor else []

    def tc_filters(self, dev, hook):
        return self.lab.run(self.n, "tc", "filter", "show", "dev", dev, hook).stdout.strip()

    def qdiscs(self, dev):
        return self.lab.run(self.n, "tc", "qdisc", "show", "dev", dev).stdout

    def pins(self, *path):
        return PIN_ROOT / "tap" / self.n / Path(*path)


@pytest.fixture
def topo(lab):
    return Topo(lab)


def udp(src, dst, sport, dport, mac_src=MAC_A, mac_dst=MAC_B, size=0, tag=None):
    eth = Ether(src=mac_src, dst=mac_dst)
    if tag is not None:
        eth = eth / Dot1Q(vlan=tag)
    return eth / IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(b"x" * size)


def a2b(i, **kw):
    return udp("10.1.0.1", "10.2.0.1", 1000 + i, 5000, **kw)


def b2a(i, **kw):
    return udp("10.2.0.1", "10.1.0.1", 5000, 1000 + i, mac_src=MAC_B, mac_dst=MAC_A, **kw)


def copies_of(copies):
    """(session VLAN, bytes of the original frame) of each tagged copy; untagged noise is ignored."""
    out = []
    for p in copies:
        if Dot1Q not in p:
            continue
        tag = p[Dot1Q]
        inner = Ether(src=p.src, dst=p.dst, type=tag.type) / tag.payload
        out.append((tag.vlan, raw(inner)))
    return out


def test_copies_follow_the_direction(topo):
    topo.ctl("attach", "svc0", "session", "7", "tunnel", "tun0", "direction", "rx", "vlan", "100")
    fwd = [a2b(i) for i in range(4)]
    rev = [b2a(i) for i in range(3)]
    for direction, expect in (("rx", fwd), ("tx", rev), ("both", fwd + rev)):
        topo.ctl("configure", "svc0", "session", "7", "direction", direction)
        at_b, at_a, copies = topo.exchange(fwd, rev)
        got = copies_of(copies)
        assert sorted(got) == sorted((100, raw(f)) for f in expect), direction
        assert [raw(p) for p in at_b] == [raw(f) for f in fwd]
        assert [raw(p) for p in at_a] == [raw(f) for f in rev]
    hooks = topo.show()[0]["hooks"]
    assert hooks == {"ingress": True, "egress": True}
    topo.ctl("configure", "svc0", "session", "7", "direction", "rx")
    assert topo.show()[0]["hooks"] == {"ingress": True, "egress": False}
    # tcx links, pinned: no qdisc and no tc filter at any time.
    assert topo.pins("svc0", "link_ingress").exists() and not topo.pins("svc0", "link_egress").exists()
    assert "clsact" not in topo.qdiscs("svc0") and topo.tc_filters("svc0", "ingress") == ""


def test_own_traffic_unchanged_including_tagged_frames(topo):
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "300")
    fwd = [a2b(0), a2b(1, tag=7), a2b(2, tag=4094, size=900)]
    rev = [b2a(0), b2a(1, tag=9), b2a(2, tag=12, size=900)]
    at_b, at_a, copies = topo.exchange(fwd, rev)
    # The NSF's frames arrive byte for byte as sent, tags included, in both directions.
    assert [raw(p) for p in at_b] == [raw(f) for f in fwd]
    assert [raw(p) for p in at_a] == [raw(f) for f in rev]
    # Each copy: outer session tag 300, then the original frame (inner tag kept) unchanged.
    assert sorted(copies_of(copies)) == sorted((300, raw(f)) for f in fwd + rev)
    inner_tags = sorted(p[Dot1Q].payload[Dot1Q].vlan for p in copies
                        if Dot1Q in p and Dot1Q in p[Dot1Q].payload)
    assert inner_tags == [7, 9, 12, 4094]


def test_filters_select_copies_and_counters_match(topo):
    topo.ctl("attach", "svc0", "session", "3", "tunnel", "tun0", "vlan", "30",
             "src", "10.1.0.0/16", "proto", "udp", "dport", "5000")
    match = [a2b(i) for i in range(5)]
    miss = [udp("10.9.0.1", "10.2.0.1", 1000, 5000),                    # src outside the prefix
            udp("10.1.0.1", "10.2.0.1", 1000, 5001),                    # other dport
            Ether(src=MAC_A, dst=MAC_B) / IP(src="10.1.0.1", dst="10.2.0.1") / TCP(sport=1, dport=5000),
            Ether(src=MAC_A, dst=MAC_B) / IPv6(src="2001:db8:1::1", dst="2001:db8:2::1") / UDP(dport=5000),
            Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.1.0.1", pdst="10.2.0.1")]
    _, _, copies = topo.exchange(match + miss)
    assert sorted(copies_of(copies)) == sorted((30, raw(f)) for f in match)
    st = topo.stats(3)
    assert (st["seen"], st["mirrored"], st["filtered"], st["sampled"], st["errors"]) == \
        (len(match) + len(miss), len(match), len(miss), 0, 0)

    # IPv6 destination prefix with source port; "any" clears the IPv4 source prefix and the port.
    topo.ctl("configure", "svc0", "session", "3", "src", "any", "dport", "any",
             "dst", "2001:db8:2::/48", "sport", "4000")
    v6 = lambda dst, sport: (Ether(src=MAC_A, dst=MAC_B) / IPv6(src="2001:db8:1::1", dst=dst) /
                             UDP(sport=sport, dport=53))
    match = [v6("2001:db8:2::1", 4000), v6("2001:db8:2:ffff::9", 4000)]
    miss = [v6("2001:db8:3::1", 4000), v6("2001:db8:2::1", 4001), a2b(0)]
    _, _, copies = topo.exchange(match + miss)
    assert sorted(copies_of(copies)) == sorted((30, raw(f)) for f in match)
    flt = topo.show()[0]["sessions"][0]["filter"]
    assert flt == {"dst": "2001:db8:2::/48", "proto": 17, "sport": 4000}



def v6udp(src, dst, sport, dport, mac_src=MAC_A, mac_dst=MAC_B):
    return Ether(src=mac_src, dst=mac_dst) / IPv6(src=src, dst=dst) / UDP(sport=sport, dport=dport)


def test_port_with_direction_both_catches_requests_and_replies(topo):
    topo.ctl("attach", "svc0", "session", "3", "tunnel", "tun0", "vlan", "30", "proto", "udp", "port", "5000")
    # Many clients (addresses and ports): requests to 5000 cross svc0's ingress, replies from 5000 its egress.
    req = [udp(f"10.1.{i}.{i + 1}", "10.2.0.9", 1024 + 7 * i, 5000) for i in range(12)]
    rep = [udp("10.2.0.9", f"10.1.{i}.{i + 1}", 5000, 1024 + 7 * i, mac_src=MAC_B, mac_dst=MAC_A)
           for i in range(12)]
    v6 = [v6udp("2001:db8:1::5", "2001:db8:2::5", 5000, 40000), v6udp("2001:db8:1::5", "2001:db8:2::5", 40000, 5000)]
    miss_fwd = [udp("10.1.0.1", "10.2.0.9", 1024, 5001), udp("10.1.0.1", "10.2.0.9", 4999, 6000),
                Ether(src=MAC_A, dst=MAC_B) / IP(src="10.1.0.1", dst="10.2.0.9") / TCP(sport=5000, dport=80)]
    miss_rev = [udp("10.2.0.9", "10.1.0.1", 5001, 1024, mac_src=MAC_B, mac_dst=MAC_A)]
    _, _, copies = topo.exchange(req + v6 + miss_fwd, rep + miss_rev)
    assert sorted(copies_of(copies)) == sorted((30, raw(f)) for f in req + rep + v6)
    st = topo.stats(3)
    assert (st["seen"], st["mirrored"], st["filtered"]) == (30, 26, 4)
    assert topo.show()[0]["sessions"][0]["filter"] == {"proto": 17, "port": 5000}

    # "port" is ANDed with the one-sided parts: requests from one client port only.
    topo.ctl("configure", "svc0", "session", "3", "sport", "1031")
    _, _, copies = topo.exchange(req, rep)
    assert copies_of(copies) == [(30, raw(req[1]))]
    topo.ctl("configure", "svc0", "session", "3", "sport", "any", "port", "any")
    assert topo.show()[0]["sessions"][0]["filter"] == {"proto": 17}


def test_net_and_host_match_either_side(topo):
    topo.ctl("attach", "svc0", "session", "3", "tunnel", "tun0", "vlan", "30", "net", "10.2.0.0/16")
    inside = [udp(f"10.1.{i}.1", f"10.2.{i}.{i + 2}", 1000 + i, 2000 + i) for i in range(10)]
    back = [udp(f"10.2.{i}.{i + 2}", f"10.1.{i}.1", 2000 + i, 1000 + i, mac_src=MAC_B, mac_dst=MAC_A)
            for i in range(10)]
    outside = [udp("10.1.0.1", "10.3.0.1", 1, 2), udp("10.3.0.1", "10.1.0.1", 2, 1),
               v6udp("2001:db8:2::1", "2001:db8:1::1", 1, 2)]
    _, _, copies = topo.exchange(inside + outside, back)
    assert sorted(copies_of(copies)) == sorted((30, raw(f)) for f in inside + back)
    assert topo.stats(3)["filtered"] == len(outside)

    # host: one address on either side, ANDed with a destination prefix: only what is sent to 10.2/16.
    topo.ctl("configure", "svc0", "session", "3", "host", "10.1.3.1", "dst", "10.2.0.0/16")
    _, _, copies = topo.exchange(inside + outside, back)
    assert copies_of(copies) == [(30, raw(inside[3]))]
    assert topo.show()[0]["sessions"][0]["filter"] == {"dst": "10.2.0.0/16", "net": "10.1.3.1/32"}

    # IPv6 either side; host any clears it.
    topo.ctl("configure", "svc0", "session", "3", "dst", "any", "net", "2001:db8:2::/48")
    v6 = [v6udp("2001:db8:1::1", "2001:db8:2::7", 1, 2),
          v6udp("2001:db8:2:ffff::1", "2001:db8:1::1", 2, 1, mac_src=MAC_B, mac_dst=MAC_A)]
    _, _, copies = topo.exchange([v6[0], v6udp("2001:db8:1::1", "2001:db8:3::7", 1, 2)] + inside[:2], [v6[1]])
    assert sorted(copies_of(copies)) == sorted((30, raw(f)) for f in v6)
    topo.ctl("configure", "svc0", "session", "3", "host", "any")
    assert topo.show()[0]["sessions"][0]["filter"] == {}


def test_sampling_mirrors_every_nth_matching_packet(topo):
    topo.ctl("attach", "svc0", "session", "4", "tunnel", "tun0", "vlan", "40", "sample", "3",
             "proto", "udp")
    frames = [a2b(i) for i in range(10)]
    _, _, copies = topo.exchange(frames)
    # One sending CPU: exactly the 3rd, 6th and 9th matching frames.
    assert copies_of(copies) == [(40, raw(frames[i])) for i in (2, 5, 8)]
    st = topo.stats(4)
    assert (st["seen"], st["mirrored"], st["sampled"], st["filtered"]) == (10, 3, 7, 0)


def macs(reply):
    return dict(src=MAC_B, dst=MAC_A) if reply else dict(src=MAC_A, dst=MAC_B)


def dgram4(src, dst, sport, dport, ident, reply=False, size=2500):
    """A UDP datagram in three IPv4 fragments (1034, 1034 and 542 bytes)."""
    return fragment(Ether(**macs(reply)) / IP(src=src, dst=dst, id=ident) / UDP(sport=sport, dport=dport) /
                    Raw(b"d" * size), fragsize=1000)


def dgram6(src, dst, sport, dport, ident, reply=False, size=2500):
    """A UDP datagram in three IPv6 fragments."""
    pkt = IPv6(src=src, dst=dst) / IPv6ExtHdrFragment(id=ident) / UDP(sport=sport, dport=dport) / Raw(b"d" * size)
    return [Ether(**macs(reply)) / f for f in fragment6(pkt, 1000)]


def addresses(i):
    """Address pairs of flow i, varied in every byte that a hash might drop."""
    return (f"10.1.{i}.{3 * i + 1}", f"10.{2 + i % 5}.{(7 * i) % 256}.{i + 9}",
            f"2001:db8:{i % 3 + 1}::{i:x}:1", f"2001:db8:2:{(5 * i) % 97:x}::{i + 9:x}")


def address_pair(frame):
    p = Ether(frame)
    ip = p[IP] if IP in p else p[IPv6]
    return frozenset([ip.src, ip.dst])


def many_flows(pairs=16, families=(4, 6)):
    """Frames (A to B, B to A) of many address pairs: unfragmented packets with several port pairs and
    fragmented UDP datagrams, both directions."""
    fwd, rev = [], []
    for i in range(pairs):
        a4, b4, a6, b6 = addresses(i)
        if 4 in families:
            fwd += [udp(a4, b4, 1000 + i, 5000), udp(a4, b4, 2000 + i, 6000)]
            fwd += dgram4(a4, b4, 1000 + i, 5000, 100 + i)
            rev += [udp(b4, a4, 5000, 1000 + i, mac_src=MAC_B, mac_dst=MAC_A)]
            rev += dgram4(b4, a4, 5000, 1000 + i, 200 + i, reply=True)
        if 6 in families:
            fwd += [v6udp(a6, b6, 1000 + i, 53)] + dgram6(a6, b6, 1000 + i, 53, 0x10000 + i)
            rev += dgram6(b6, a6, 53, 1000 + i, 0x20000 + i, reply=True)
            rev += [v6udp(b6, a6, 53, 1000 + i, mac_src=MAC_B, mac_dst=MAC_A)]
    return fwd, rev


def vlans_by_address_pair(copies):
    """{address pair: VLANs its copies took}, asserting one VLAN per pair."""
    vlan_of = {}
    for vid, data in copies:
        vlan_of.setdefault(address_pair(data), set()).add(vid)
    split = {tuple(pair): v for pair, v in vlan_of.items() if len(v) > 1}
    assert not split, f"address pairs on several VLANs: {split}"
    return {pair: next(iter(v)) for pair, v in vlan_of.items()}


def assert_spread(vlan_of, families=(4, 6)):
    for family in families:
        used = {v for pair, v in vlan_of.items() if (":" in next(iter(pair))) == (family == 6)}
        assert len(used) >= 3, f"IPv{family} address pairs used only VLANs {used}"


def port_fragments(families=(4, 6)):
    """For a session 'proto udp port 5000': frames (A to B, B to A), those it matches, those it filters.
    Fragmented requests to 5000 and replies from it (matched whole), other ports on the same addresses,
    later fragments without their first or before it, and a datagram reusing a matched one's id."""
    match, miss, fwd, rev = [], [], [], []
    dgram = {4: dgram4, 6: dgram6}
    for i in range(6):
        for fam in families:
            a, b = addresses(i)[0:2] if fam == 4 else addresses(i)[2:4]
            req = dgram[fam](a, b, 1000 + i, 5000, 300 + 10 * i + fam)
            rep = dgram[fam](b, a, 5000, 1000 + i, 400 + 10 * i + fam, reply=True)
            # Same addresses, other ports (and ids): every fragment filtered.
            other = dgram[fam](a, b, 1000 + i, 6000, 700 + 10 * i + fam)
            other_rep = dgram[fam](b, a, 7000, 1000 + i, 800 + 10 * i + fam, reply=True)
            single = udp(a, b, 1000 + i, 5000) if fam == 4 else v6udp(a, b, 1000 + i, 5000)
            fwd += req + other + [single]
            rev += rep + other_rep
            match += req + rep + [single]
            miss += other + other_rep
    for fam in families:
        a, b = addresses(9)[0:2] if fam == 4 else addresses(9)[2:4]
        # Later fragments without their first; later fragments before their first (only the first matches).
        orphans, late = dgram[fam](a, b, 1, 5000, 900)[1:], dgram[fam](a, b, 1, 5000, 901)
        # A datagram reusing a matched one's id: its first fragment does not match and removes the note.
        noted, reused = dgram[fam](a, b, 2, 5000, 902), dgram[fam](a, b, 2, 6000, 902)
        fwd += orphans + late[1:] + late[:1] + noted + reused
        match += late[:1] + noted
        miss += orphans + late[1:] + reused
    return fwd, rev, match, miss


def test_flow_hash_keeps_flows_and_datagrams_together_and_spreads_them(topo):
    """Every packet of an address pair (both directions, any ports) and every fragment of a datagram, IPv4 and
    IPv6, on one VLAN; many address pairs over several VLANs; a non-IP frame on the lowest."""
    vlans = [10, 11, 12, 13]
    topo.ctl("attach", "svc0", "session", "5", "tunnel", "tun0", "vlan", ",".join(map(str, vlans)))
    fwd, rev = many_flows()
    non_ip = Ether(src=MAC_A, dst=MAC_B, type=0x88b5) / Raw(b"not ip" * 10)
    at_b, at_a, copies = topo.exchange(fwd + [non_ip], rev)
    assert [raw(p) for p in at_b] == [raw(f) for f in fwd + [non_ip]]
    assert [raw(p) for p in at_a] == [raw(f) for f in rev]
    got = copies_of(copies)
    assert sorted(data for _, data in got) == sorted(raw(f) for f in fwd + rev + [non_ip])
    assert [vid for vid, data in got if data == raw(non_ip)] == [vlans[0]]
    vlan_of = vlans_by_address_pair([(vid, data) for vid, data in got if data != raw(non_ip)])
    assert len(vlan_of) == 32
    assert_spread(vlan_of)
    assert topo.stats(5)["mirrored"] == len(fwd) + len(rev) + 1


def test_port_filters_follow_a_datagram_from_its_first_fragment(topo):
    """A later fragment is mirrored when its datagram's first fragment matched the port filter (noted in the
    fragment table), filtered when it did not or was not seen first; counters exact, both families."""
    topo.ctl("attach", "svc0", "session", "3", "tunnel", "tun0", "vlan", "30,31", "proto", "udp", "port", "5000")
    fwd, rev, match, miss = port_fragments()
    _, _, copies = topo.exchange(fwd, rev)
    got = copies_of(copies)
    assert sorted(data for _, data in got) == sorted(raw(f) for f in match)
    vlans_by_address_pair(got)
    st = topo.stats(3)
    assert (st["seen"], st["mirrored"], st["filtered"], st["errors"]) == (len(fwd + rev), len(match), len(miss), 0)


def test_snaplen_truncates_copies_only(topo):
    topo.ctl("attach", "svc0", "session", "6", "tunnel", "tun0", "vlan", "60", "snaplen", "64")
    big, small, tagged = a2b(0, size=300), a2b(1), a2b(2, tag=5, size=300)
    at_b, _, copies = topo.exchange([big, small, tagged])
    assert [raw(p) for p in at_b] == [raw(big), raw(small), raw(tagged)]
    got = sorted(copies_of(copies))
    assert got == sorted([(60, raw(big)[:64]), (60, raw(small)), (60, raw(tagged)[:64])])
    assert (PIN_ROOT / "tap" / topo.n / "tunnel-tun0" / "tap_snaplen").exists()
    topo.ctl("configure", "svc0", "session", "6", "snaplen", "0")
    assert not (PIN_ROOT / "tap" / topo.n / "tunnel-tun0").exists()
    assert topo.lab.run(topo.n, "tc", "filter", "show", "dev", "tun0", "egress").stdout.strip() == ""


class Events:
    """JSON lines of `mtapctl watch`, read straight from the pipe (no buffering hides a ready line)."""

    def __init__(self, proc):
        self.fd = proc.stdout.fileno()
        self.buf = b""

    def next(self, timeout=2.0):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, "no event from mtapctl watch"
            chunk = os.read(self.fd, 4096)
            assert chunk, "mtapctl watch exited"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)


def switch_tunnel(topo, events, state):
    """Sets the tunnel's peer down or up; the watcher switches the session, then its two hooks."""
    active = state == "up"
    t0 = time.monotonic()
    topo.lab.run(topo.m, "ip", "link", "set", "tunp", state)
    seen = [events.next() for _ in range(3)]
    assert seen[0] == {"event": "session", "dev": "svc0", "session": 9, "tunnel": "tun0", "active": active}
    for hook in ("ingress", "egress"):
        assert {"event": "hook", "dev": "svc0", "hook": hook, "attached": active} in seen[1:]
    # Timing is the benchmarks' business (the machine is shared); this is for the log.
    print(f"tunnel {state}: hooks switched {(time.monotonic() - t0) * 1000:.1f} ms after `ip link set` began")


def test_link_switch_detaches_and_reattaches(topo):
    topo.ctl("attach", "svc0", "session", "9", "tunnel", "tun0", "vlan", "90")
    watch = topo.lab.spawn(None, MTAPCTL, "-n", topo.n, "watch", stdout=subprocess.PIPE)
    events = Events(watch)
    assert events.next() == {"event": "ready"}

    switch_tunnel(topo, events, "down")
    # Nothing of ours stays in the path: the links are gone, and there never was a qdisc.
    assert not topo.pins("svc0", "link_ingress").exists() and not topo.pins("svc0", "link_egress").exists()
    assert "clsact" not in topo.qdiscs("svc0")
    dev = topo.show()[0]
    assert dev["hooks"] == {"ingress": False, "egress": False}
    assert dev["sessions"][0]["tunnel_carrier"] is False and dev["sessions"][0]["active"] is False
    assert topo.pins("svc0", "sessions").exists()  # maps stay pinned
    looked_at = topo.stats(9)["seen"]
    at_b, _, _ = topo.exchange([a2b(i) for i in range(3)], monitor=False)
    assert len(at_b) == 3 and topo.stats(9)["seen"] == looked_at  # detached: not even looked at

    switch_tunnel(topo, events, "up")
    frames = [a2b(i) for i in range(3)]
    _, _, copies = topo.exchange(frames)
    assert sorted(copies_of(copies)) == sorted((90, raw(f)) for f in frames)

    watch.terminate()
    assert watch.wait(timeout=5) == 0


def test_commands_reconcile_with_carrier_without_watcher(topo):
    topo.lab.run(topo.m, "ip", "link", "set", "tunp", "down")
    topo.ctl("attach", "svc0", "session", "2", "tunnel", "tun0", "vlan", "20")
    assert topo.show()[0]["hooks"] == {"ingress": False, "egress": False}
    topo.lab.run(topo.m, "ip", "link", "set", "tunp", "up")
    out = topo.ctl("watch", "--once").stdout.splitlines()
    assert {"event": "hook", "dev": "svc0", "hook": "ingress", "attached": True} in map(json.loads, out)
    assert topo.show()[0]["hooks"] == {"ingress": True, "egress": True}


def test_attach_is_idempotent(topo):
    args = ["attach", "svc0", "session", "8", "tunnel", "tun0", "vlan", "80,81", "sample", "2"]
    topo.ctl(*args)
    topo.exchange([a2b(i) for i in range(4)])
    before = (topo.show(), topo.stats(8))
    topo.ctl(*args)
    assert (topo.show(), topo.stats(8)) == before
    assert before[1]["seen"] == 4


BAD = [
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "0"], "VLAN"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "4095"], "VLAN"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "1-9"], "VLAN"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "src", "10.0.0.1/8"], "prefix"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "dst", "10.0.0.0/33"], "prefix"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "src", "10.0.0.0/8",
      "dst", "2001:db8::/32"], "family"),
    (["attach", "nope0", "session", "1", "tunnel", "tun0", "vlan", "5"], "nope0"),
    (["attach", "svc0", "session", "1", "tunnel", "nope1", "vlan", "5"], "nope1"),
    (["attach", "svc0", "session", "0", "tunnel", "tun0", "vlan", "5"], "session"),
    (["attach", "svc0", "session", "65536", "tunnel", "tun0", "vlan", "5"], "session"),
    (["attach", "svc0", "session", "x", "tunnel", "tun0", "vlan", "5"], "session"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "snaplen", "10"], "snaplen"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "sample", "0"], "sample"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "colour", "red"], "colour"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "proto", "tcpp"], "proto"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "direction", "up"], "direction"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0"], "vlan"),
    (["attach", "svc0", "session", "1", "tunnel", "svc0", "vlan", "5"], "svc0"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "vlan", "6"], "twice"),
    (["configure", "svc0", "session", "99", "vlan", "5"], "99"),
    (["configure", "svc0", "session", "1", "dst", "2001:db8::/32"], "family"),
    (["detach", "svc0", "session", "99"], "99"),
    (["detach", "svc1"], "svc1"),
    (["stats", "svc0", "session", "99"], "99"),
    (["frobnicate"], "frobnicate"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "host", "10.1.0.0/16"], "host"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "net", "10.1.0.1/16"], "prefix"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "net", "10.1.0.0/16",
      "host", "10.1.0.1"], "net and host"),
    (["attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "5", "dst", "10.2.0.0/16",
      "net", "2001:db8::/32"], "family"),
    (["configure", "svc0", "session", "1", "host", "2001:db8::1"], "family"),
    (["configure", "svc0", "session", "1", "port", "65536"], "port"),
    (["configure", "svc0", "session", "1", "port", "http"], "port"),
]


@pytest.mark.parametrize("args,word", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_arguments_change_nothing(topo, args, word):
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "src", "10.1.0.0/16")
    before = (topo.show(), sorted(os.listdir(topo.pins("svc0"))), topo.qdiscs("svc0"), topo.qdiscs("tun0"))
    result = topo.ctl(*args, check=False)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mtapctl: ") and word in lines[0], result.stderr
    assert result.stdout == ""
    after = (topo.show(), sorted(os.listdir(topo.pins("svc0"))), topo.qdiscs("svc0"), topo.qdiscs("tun0"))
    assert after == before


def test_too_many_sessions_and_vlans(topo):
    for i in range(1, 17):
        topo.ctl("attach", "svc0", "session", str(i), "tunnel", "tun0", "vlan", str(100 + i))
    before = topo.show()
    result = topo.ctl("attach", "svc0", "session", "17", "tunnel", "tun0", "vlan", "5", check=False)
    assert result.returncode == 2 and "16 sessions" in result.stderr
    result = topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "1,2,3,4,5,6,7,8,9",
                      check=False)
    assert result.returncode == 2 and "at most 8" in result.stderr
    assert topo.show() == before
    # Sixteen sessions all see and mirror one frame.
    _, _, copies = topo.exchange([a2b(0)])
    assert sorted(v for v, _ in copies_of(copies)) == list(range(101, 117))


def test_detach_removes_links_and_pins(topo):
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "snaplen", "128")
    topo.ctl("attach", "svc0", "session", "2", "tunnel", "tun0", "vlan", "200", "direction", "tx")
    assert topo.pins("svc0", "tap_ingress").exists() and topo.pins("tunnel-tun0", "link_egress").exists()
    topo.ctl("detach", "svc0", "session", "1")
    assert [s["id"] for s in topo.show()[0]["sessions"]] == [2]
    assert topo.show()[0]["hooks"] == {"ingress": False, "egress": True}
    assert not topo.pins("svc0", "link_ingress").exists() and topo.pins("svc0", "link_egress").exists()
    assert not topo.pins("tunnel-tun0").exists()
    topo.ctl("detach", "svc0")
    assert topo.show() == []
    for dev in ("svc0", "tun0"):
        assert "clsact" not in topo.qdiscs(dev)
    assert not topo.pins().exists()
    at_b, _, copies = topo.exchange([a2b(0)])
    assert len(at_b) == 1 and copies_of(copies) == []


def test_without_tcx_the_clsact_stays_for_the_ports_lifetime(topo):
    """Kernels before 6.6: filters on a clsact that mtapctl makes once and never removes (MT_HOOKS=tc)."""
    env = dict(os.environ, MT_HOOKS="tc")
    ctl = lambda *a: subprocess.run([MTAPCTL, "-n", topo.n, *a], env=env, check=True, capture_output=True)
    topo.lab.run(topo.m, "ip", "link", "set", "tunp", "down")
    ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "snaplen", "128")
    # Made with the port's first session, though the tunnel has no carrier yet: never on a link change.
    assert "clsact" in topo.qdiscs("svc0") and topo.tc_filters("svc0", "ingress") == ""
    topo.lab.run(topo.m, "ip", "link", "set", "tunp", "up")
    ctl("watch", "--once")
    assert "bpf" in topo.tc_filters("svc0", "ingress") and "bpf" in topo.tc_filters("tun0", "egress")
    frames = [a2b(i, size=300) for i in range(3)]
    _, _, copies = topo.exchange(frames)
    assert sorted(copies_of(copies)) == sorted((100, raw(f)[:128]) for f in frames)
    topo.lab.run(topo.m, "ip", "link", "set", "tunp", "down")
    ctl("watch", "--once")
    assert topo.tc_filters("svc0", "ingress") == "" and "clsact" in topo.qdiscs("svc0")
    ctl("detach", "svc0")
    assert not topo.pins().exists()
    assert topo.tc_filters("svc0", "ingress") == topo.tc_filters("svc0", "egress") == ""
    assert "clsact" in topo.qdiscs("svc0") and "clsact" in topo.qdiscs("tun0")


def test_the_devices_own_tc_programs_still_run(topo):
    """The TAP gives no verdict: the NSF's own tc filter after it still decides (here: UDP 7777 is redirected
    to tun0, untagged, instead of reaching B)."""
    topo.lab.run(topo.n, "tc", "qdisc", "add", "dev", "svc0", "clsact")
    topo.lab.run(topo.n, "tc", "filter", "add", "dev", "svc0", "ingress", "protocol", "ip", "prio", "1", "u32",
                 "match", "ip", "dport", "7777", "0xffff", "action", "mirred", "egress", "redirect", "dev", "tun0")
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "direction", "rx")
    frames = [a2b(0), udp("10.1.0.1", "10.2.0.1", 1000, 7777), a2b(1)]
    at_b, _, copies = topo.exchange(frames)
    assert [raw(p) for p in at_b] == [raw(frames[0]), raw(frames[2])]
    assert sorted(copies_of(copies)) == sorted((100, raw(f)) for f in frames)
    assert [raw(p) for p in copies if Dot1Q not in p] == [raw(frames[1])]


def test_names_starting_with_a_dash_are_refused(topo):
    for args in (["attach", "-svc0", "session", "1", "tunnel", "tun0", "vlan", "5"],
                 ["attach", "svc0", "session", "1", "tunnel", "-tun0", "vlan", "5"],
                 ["show", "-x"], ["detach", "--", "session", "1"]):
        r = topo.ctl(*args, check=False)
        assert r.returncode == 2 and r.stderr.startswith("mtapctl: ") and "invalid interface name" in r.stderr, r
    assert topo.show() == []


def test_help_states_the_hash_fragment_and_gso_rules():
    r = subprocess.run([MTAPCTL, "--help"], capture_output=True, text=True, check=True)
    text = " ".join(r.stdout.split())
    assert "symmetric hash of its source and destination addresses and protocol" in text
    assert "every fragment of a datagram (IPv4, IPv6) take one VLAN" in text
    assert "Flows spread by address pair, not port pair" in text
    assert "port parts match a datagram's first fragment" in text and "fragment table" in text
    assert "later fragments of a noted datagram match too" in text and "counts as filtered" in text
    assert "net, host" in text and "port: the source or the destination port" in text
    assert "GSO packets" in text and "counted once" in text and "oversized" in text
    assert "may not start with '-'" in text


def set_mtu(topo, mtu, *links):
    for ns, ifname in links:
        topo.lab.run(ns, "ip", "link", "set", ifname, "mtu", str(mtu))


def nsf_path_mtu(topo, mtu):
    """MTU of the NSF's path A - svc0 - br0 - svc1 - B, and of the tunnel's far end (a larger peer)."""
    set_mtu(topo, mtu, (topo.a, "a0"), (topo.n, "svc0"), (topo.n, "svc1"), (topo.b, "b0"), (topo.m, "tunp"))


def test_copies_too_long_for_the_tunnel_are_counted_not_sent(topo):
    nsf_path_mtu(topo, 9000)                       # tun0 keeps 1500: copies up to 1518 bytes fit
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "direction", "rx")
    fit = [a2b(0, size=1472), a2b(1, size=1476), a2b(2, tag=7, size=1472)]          # 1514, 1518, 1518
    big = [a2b(3, size=1477), a2b(4, tag=7, size=1473), a2b(5, size=8000)]          # 1519, 1519, 8042
    at_b, _, copies = topo.exchange(fit + big)
    assert [raw(p) for p in at_b] == [raw(f) for f in fit + big]
    # A tag the original brings counts: received, it is metadata; in the copy it is inside the session's.
    assert sorted(copies_of(copies)) == sorted((100, raw(f)) for f in fit)
    st = topo.stats(1)
    assert (st["seen"], st["mirrored"], st["oversized"], st["errors"]) == (6, 3, 3, 0)

    # A snaplen within the tunnel's MTU cuts the long copies instead.
    topo.ctl("configure", "svc0", "session", "1", "snaplen", "1000")
    _, _, copies = topo.exchange(big)
    assert sorted(copies_of(copies)) == sorted((100, raw(f)[:1000]) for f in big)
    # The tunnel's MTU is followed: at 9000 every copy fits whole.
    topo.ctl("configure", "svc0", "session", "1", "snaplen", "0")
    set_mtu(topo, 9000, (topo.n, "tun0"))
    topo.ctl("watch", "--once")
    _, _, copies = topo.exchange(big)
    assert sorted(copies_of(copies)) == sorted((100, raw(f)) for f in big)
    assert topo.stats(1)["oversized"] == 3


def tcp_through_the_nsf(topo, megabytes=8):
    """An iperf3 TCP transfer from A to B across svc0 (GSO packets: the veths take 64 KB sends)."""
    topo.lab.run(topo.a, "ip", "addr", "add", "10.3.0.1/24", "dev", "a0")
    topo.lab.run(topo.b, "ip", "addr", "add", "10.3.0.2/24", "dev", "b0")
    server = topo.lab.spawn(topo.b, "iperf3", "-s", "-1")
    time.sleep(0.3)
    topo.lab.run(topo.a, "iperf3", "-c", "10.3.0.2", "-n", f"{megabytes}M", timeout=60)
    server.wait(timeout=10)


def tunnel_rx(topo):
    [link] = json.loads(topo.lab.run(topo.m, "ip", "-s", "-j", "link", "show", "tunp").stdout)
    return link["stats64"]["rx"]


def test_a_gso_packet_is_one_copy_when_its_segments_fit_the_tunnel(topo):
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "direction", "rx", "proto", "tcp")
    tcp_through_the_nsf(topo)
    st, rx = topo.stats(1), tunnel_rx(topo)
    [svc0] = json.loads(topo.lab.run(topo.n, "ip", "-s", "-j", "link", "show", "svc0").stdout)
    assert st["oversized"] == 0 and st["errors"] == 0 and st["mirrored"] == rx["packets"]
    # All svc0 received is TCP but an ARP request or two (filtered out): the copies carry the transfer.
    assert 0 <= svc0["stats64"]["rx"]["bytes"] - rx["bytes"] <= 42 * st["filtered"] and rx["bytes"] > 4 << 20
    assert rx["bytes"] > 1514 * rx["packets"], "no copy was larger than a frame: no GSO packet was mirrored"


def test_a_gso_packet_whose_segments_do_not_fit_the_tunnel_is_oversized(topo):
    nsf_path_mtu(topo, 9000)
    topo.ctl("attach", "svc0", "session", "1", "tunnel", "tun0", "vlan", "100", "direction", "rx", "proto", "tcp")
    tcp_through_the_nsf(topo)
    st, rx = topo.stats(1), tunnel_rx(topo)
    assert st["oversized"] > 0 and st["mirrored"] == rx["packets"]
    assert rx["bytes"] <= 1518 * rx["packets"], "a copy longer than the tunnel's MTU was sent"
