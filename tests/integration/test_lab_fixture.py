"""The lab fixture itself: frames sent on one end of a veth pair are captured on the other."""
from scapy.all import Ether, IP, UDP, Dot1Q, raw


def test_capture_sees_sent_frames_with_their_vlan_tag(lab):
    a = lab.ns("a")
    b = lab.ns("b")
    lab.veth(a, "va", b, "vb")
    cap = lab.capture(b, "vb", "udp or vlan")
    frames = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / Dot1Q(vlan=7) /
              IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=1000 + i, dport=9) for i in range(3)]
    lab.send(a, "va", frames)
    got = cap.stop()
    assert [raw(p) for p in got] == [raw(f) for f in frames]
    assert all(p[Dot1Q].vlan == 7 for p in got)


def test_namespaces_are_removed_at_teardown(lab):
    import subprocess
    name = lab.ns("gone")
    lab.teardown()
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    assert name not in listed
    lab.namespaces.clear()
