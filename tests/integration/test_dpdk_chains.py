"""The DPDK TAP's copies of chained (multi-segment) packets and of packets whose tag is in mbuf metadata,
a tunnel that refuses the copy, and mbuf accounting. The lab's PMDs (net_af_packet, net_tap) deliver
single-segment packets with their tags in the data; mt-dtap-ringtest runs one packet through the TAP on
net_ring ports, which pass mbufs along untouched, and shows the copy itself."""
import json
import subprocess

import pytest
from scapy.all import IP, UDP, Dot1Q, Ether, Raw, raw

import test_tap as ebpf
from conftest import NATIVE_BUILD

RINGTEST = str(NATIVE_BUILD / "dpdk" / "mt-dtap-ringtest")
FRAME = raw(Ether(src="02:00:00:00:00:0a", dst="02:00:00:00:00:0b") / IP(src="10.1.0.1", dst="10.2.0.1")
            / UDP(sport=1000, dport=5000) / Raw(bytes(range(150))))


def ringtest(frame=FRAME, segments=(len(FRAME),), direction="tx", tci=None, full=False, **session):
    spec = {"frame": frame.hex(), "segments": list(segments), "direction": direction, "full": full,
            "session": {"session": 1, "vlans": [100], "direction": direction, **session}}
    if tci is not None:
        spec["tci"] = tci
    result = subprocess.run([RINGTEST, json.dumps(spec)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    # Every mbuf is back in its pool: the packet's, the copy's header and clone, a cut-off tail.
    assert set(out["in_use"].values()) == {0}, out["in_use"]
    return out


def tagged(frame, *tcis):
    return frame[:12] + b"".join(b"\x81\x00" + t.to_bytes(2, "big") for t in tcis) + frame[12:]


@pytest.mark.parametrize("segments", [(14, 20, 40), (12 + 2, 1, 1), (100,)])
def test_a_chained_packet_is_copied_whole_and_left_as_it_was(segments):
    out = ringtest(segments=segments)
    parts = len(segments)  # the last segment takes the rest of the frame
    assert out["packet"] == {"bytes": FRAME.hex(), "segments": parts, "pkt_len": len(FRAME), "ol_flags": 0,
                             "vlan_tci": 0}
    # The header mbuf, then a clone of every segment of the packet.
    assert out["copy"]["bytes"] == tagged(FRAME, 100).hex()
    assert out["copy"]["segments"] == 1 + parts
    assert (out["stats"]["seen"], out["stats"]["mirrored"]) == (1, 1)


@pytest.mark.parametrize("segments, copy_segments", [
    ((30, 30, 40), 4), ((30, 30, 30, 40), 4), ((100,), 2), ((60, 40), 3), ((64, 40), 2)])
def test_snaplen_cuts_a_chain_and_frees_the_rest(segments, copy_segments):
    out = ringtest(segments=segments, snaplen=64)
    assert out["copy"]["bytes"] == tagged(FRAME[:64], 100).hex()
    assert out["copy"]["segments"] == copy_segments and out["copy"]["pkt_len"] == 68
    assert out["packet"]["bytes"] == FRAME.hex()


@pytest.mark.parametrize("direction, flags", [("rx", 0x1 | 0x40), ("tx", 1 << 57)])
def test_a_tag_in_metadata_goes_inside_the_copy(direction, flags):
    """RTE_MBUF_F_RX_VLAN | RX_VLAN_STRIPPED on rx, RTE_MBUF_F_TX_VLAN on tx: the packet's own tag is on
    the wire, so the copy carries it under the session's tag; the packet's metadata stays."""
    out = ringtest(direction=direction, tci=7, segments=(40, 60))
    assert out["copy"]["bytes"] == tagged(FRAME, 100, 7).hex()
    assert out["packet"]["ol_flags"] == flags and out["packet"]["vlan_tci"] == 7
    assert out["packet"]["bytes"] == FRAME.hex()
    # snaplen counts the packet's own tag as part of the frame.
    cut = ringtest(direction=direction, tci=7, snaplen=64)
    assert cut["copy"]["bytes"] == tagged(FRAME, 100, 7)[:68].hex()


def test_filters_read_headers_split_across_segments():
    segments = (14, 7, 9, 3)  # the IP header and the UDP ports each span segments
    hit = ringtest(segments=segments, filter={"src": "10.1.0.0/16", "proto": "udp", "dport": 5000})
    miss = ringtest(segments=segments, filter={"src": "10.1.0.0/16", "proto": "udp", "dport": 5001})
    assert hit["copy"]["bytes"] == tagged(FRAME, 100).hex()
    assert miss["copy"] is None and (miss["stats"]["seen"], miss["stats"]["filtered"]) == (1, 1)
    # A tag in the data is skipped on the way to the IP header, and kept inside the copy.
    inner = ringtest(frame=tagged(FRAME, 5), segments=(16, 10), filter={"dport": 5000})
    assert inner["copy"]["bytes"] == tagged(FRAME, 100, 5).hex()


def test_a_copy_the_tunnel_refuses_is_counted_and_freed():
    out = ringtest(full=True)
    assert out["copy"] is None
    s = out["stats"]
    assert (s["seen"], s["mirrored"], s["errors"]) == (1, 0, 1)
    assert out["packet"]["bytes"] == FRAME.hex()


def copies_in_turn(frames, **session):
    """Frames received one after the other on a port with one session: (VLAN, frame) of each copy, and the
    session's counters. What net_af_packet cannot give: IPv4 fragments (it reassembles them)."""
    spec = {"frames": [raw(f).hex() for f in frames], "direction": "rx",
            "session": {"session": 1, "direction": "rx", **session}}
    result = subprocess.run([RINGTEST, "-"], input=json.dumps(spec), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    assert set(out["in_use"].values()) == {0}, out["in_use"]
    copies = []
    for frame, copy in zip(frames, out["copies"]):
        if copy:
            tag = Ether(bytes.fromhex(copy["bytes"]))[Dot1Q]
            assert raw(Ether(src=frame.src, dst=frame.dst, type=tag.type) / tag.payload) == raw(frame)
            copies.append((tag.vlan, raw(frame)))
    return copies, out["stats"]


def test_ipv4_fragments_share_their_flows_vlan_and_follow_port_filters():
    fwd, rev = ebpf.many_flows(families=(4,))
    copies, _ = copies_in_turn(fwd + rev, vlans=[10, 11, 12, 13])
    assert len(copies) == len(fwd + rev)
    vlan_of = ebpf.vlans_by_address_pair(copies)
    assert len(vlan_of) == 16
    ebpf.assert_spread(vlan_of, families=(4,))

    fwd, rev, match, miss = ebpf.port_fragments(families=(4,))
    copies, s = copies_in_turn(fwd + rev, vlans=[30, 31], filter={"proto": "udp", "port": 5000})
    assert sorted(data for _, data in copies) == sorted(raw(f) for f in match)
    ebpf.vlans_by_address_pair(copies)
    assert (s["seen"], s["mirrored"], s["filtered"], s["errors"]) == (len(fwd + rev), len(match), len(miss), 0)
