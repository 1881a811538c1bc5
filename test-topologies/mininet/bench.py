#!/usr/bin/python3
"""Remote delivery through the Mininet/OVS fabric, measured (results: docs/benchmarks/fabric.md).

    bench.py [--rounds N]

1. delivery: share of the TAP's copies that reach the remote monitor VF at steady rates (UDP through h1's NSF,
   copies across s1-s2 to h2), from the TAP's and the NICs' own counters;
2. failover: a steady 1000 frames/s stream, the active path's link taken down: time from the link going down to
   the first copy at the monitor after the gap, and copies lost;
3. create: time from starting a session (monitor binding, intent, source binding, as the app would issue them)
   to the first copy at the remote monitor, with each step's share.
"""
import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fabric as topo  # noqa: E402

SENDER = r"""
import socket, struct, sys, time
ifname, dst, src, rate, seconds = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3]), \
    float(sys.argv[4]), float(sys.argv[5])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
ip = bytes.fromhex("450000320000000040110000c0000201c0000202")
start, seq = time.time(), 0
while True:
    now = time.time()
    if now - start >= seconds:
        break
    due = int((now - start) * rate)
    while seq <= due:
        s.send(dst + src + b"\x08\x00" + ip + struct.pack("!HHHH", 4000, 5000, 30, 0) + struct.pack("!Qd", seq, time.time())
               + b"\0" * 6)
        seq += 1
    time.sleep(0.0005)
print(seq)
"""


def mac_hex(server, ns):
    return server.mac(ns, "eth0").replace(":", "")


def sender(server, rate, seconds):
    return subprocess.Popen(["nsenter", f"--net=/run/netns/{server.src}", "--", "/usr/bin/python3", "-c", SENDER,
                             "eth0", mac_hex(server, server.dst), mac_hex(server, server.src), str(rate),
                             str(seconds)], stdout=subprocess.PIPE, text=True)


def capture(ns, ifname, path):
    p = subprocess.Popen(["nsenter", f"--net=/run/netns/{ns}", "--", "tcpdump", "-i", ifname, "-U",
                          "--immediate-mode", "-n", "-s", "128", "-w", str(path), "udp"], stderr=subprocess.PIPE)
    assert "listening" in p.stderr.readline().decode()
    return p


def copies(proc, path):
    """(arrival time, sequence) of each captured copy."""
    from scapy.all import UDP, rdpcap
    import struct
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)
    return [(float(p.time), struct.unpack("!Q", bytes(p[UDP].payload)[:8])[0]) for p in rdpcap(str(path))
            if UDP in p]


def setup_remote(fab, sid, vlan):
    h1, h2 = fab.server("h1"), fab.server("h2")
    t0 = time.time()
    h2.ctl("apply", sid, "--vlan", str(vlan), "--monitor", f"{h2.pf}/{topo.MONITOR_VF}")
    t1 = time.time()
    reply = fab.submit(sid, "h1", vlan, ["h2"])
    t2 = time.time()
    h1.ctl("apply", sid, "--source", f"{h1.nsf}/svc0", "--tunnel", f"{h1.pf}/{topo.TUNNEL_VF}", "--vlan", str(vlan),
           "--direction", "rx", "--remote")
    t3 = time.time()
    assert reply["state"] == "INSTALLED", reply
    return t0, {"monitor binding": t1 - t0, "intent": t2 - t1, "source binding": t3 - t2}, reply["key"]


def teardown_remote(fab, sid, key):
    fab.withdraw(key)
    for name in ("h1", "h2"):
        fab.server(name).ctl("remove", sid)


def delivery(fab, rounds, tmp):
    h1, h2 = fab.server("h1"), fab.server("h2")
    _, _, key = setup_remote(fab, "b-rate", 201)
    rows = []
    try:
        for rate in (1000, 5000, 20000):
            for _ in range(rounds):
                mirrored0 = tap_mirrored(h1)
                tx0, rx0 = h1.vf_stats(topo.TUNNEL_VF)["tx_packets"], h2.vf_stats(topo.MONITOR_VF)["rx_packets"]
                sent = int(sender(h1, rate, 3).communicate()[0])
                time.sleep(0.5)
                mirrored = tap_mirrored(h1) - mirrored0
                tx = h1.vf_stats(topo.TUNNEL_VF)["tx_packets"] - tx0
                rx = h2.vf_stats(topo.MONITOR_VF)["rx_packets"] - rx0
                rows.append({"rate": rate, "sent": sent, "mirrored": mirrored, "tunnel_tx": tx, "monitor_rx": rx})
    finally:
        teardown_remote(fab, "b-rate", key)
    return rows


def tap_mirrored(server):
    stats = json.loads(server.ctl("--json", "stats", "b-rate").stdout)
    return int(stats["bindings"][0]["tap"].get("mirrored", 0))


def failover(fab, rounds, tmp):
    h1, h2 = fab.server("h1"), fab.server("h2")
    _, _, key = setup_remote(fab, "b-fail", 202)
    rows = []
    try:
        cables = [(1, 2), (1, 3)]  # the active path alternates: s1-s2 first, then s1-s3-s2
        for i in range(rounds):
            a, b = cables[i % 2]
            pcap = tmp / f"fail-{i}.pcap"
            cap = capture(h2.nmf, "mon0", pcap)
            send = sender(h1, 1000, 4)
            time.sleep(1.5)
            t_down = time.time()
            fab.link(a, b, up=False)
            sent = int(send.communicate()[0])
            got = copies(cap, pcap)
            fab.link(a, b, up=True)
            time.sleep(1)
            before = [s for t, s in got if t < t_down]
            after = [(t, s) for t, s in got if t >= t_down and (not before or s > max(before) + 1)]
            rows.append({"cable": f"s{a}-s{b}", "sent": sent, "received": len(got),
                         "lost": sent - len(got),
                         "recovery_ms": (after[0][0] - t_down) * 1000 if after else None})
    finally:
        teardown_remote(fab, "b-fail", key)
    return rows


def create(fab, rounds, tmp):
    h1, h2 = fab.server("h1"), fab.server("h2")
    rows = []
    for i in range(rounds):
        pcap = tmp / f"create-{i}.pcap"
        cap = capture(h2.nmf, "mon0", pcap)
        send = sender(h1, 1000, 25)
        time.sleep(0.5)
        t0, steps, key = setup_remote(fab, f"b-create{i}", 210 + i)
        deadline = time.time() + 10
        while time.time() < deadline and h2.vf_stats(topo.MONITOR_VF)["rx_packets"] == 0:
            time.sleep(0.05)
        time.sleep(0.5)
        send.kill()
        got = copies(cap, pcap)
        teardown_remote(fab, f"b-create{i}", key)
        rows.append({"first_copy_s": (got[0][0] - t0) if got else None,
                     "after_source_binding_ms": (got[0][0] - t0 - sum(steps.values())) * 1000 if got else None,
                     **{k: round(v, 3) for k, v in steps.items()}})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    fab = topo.Fabric("b" + uuid.uuid4().hex[:4])
    tmp = Path(tempfile.mkdtemp(prefix="mt-fabric-bench-"))
    print(f"fabric {fab.id}: up", file=sys.stderr)
    fab.up()
    try:
        results = {"delivery": delivery(fab, args.rounds, tmp), "failover": failover(fab, args.rounds, tmp),
                   "create": create(fab, args.rounds, tmp)}
    finally:
        for s in fab.servers:
            s.stop_agent(signal.SIGKILL)
        if fab.fabric_proc:
            fab.fabric_proc.kill()
        fab.down()
        subprocess.run(["rm", "-rf", str(tmp)])
    print(json.dumps(results, indent=1))
    for rate in sorted({r["rate"] for r in results["delivery"]}):
        rs = [r for r in results["delivery"] if r["rate"] == rate]
        shares = [r["monitor_rx"] / r["mirrored"] for r in rs if r["mirrored"]]
        print(f"delivery at {rate}/s: monitor_rx/mirrored median {statistics.median(shares):.4f} "
              f"(min {min(shares):.4f}), sent/s achieved {statistics.median(r['sent'] for r in rs) / 3:.0f}")
    rec = [r["recovery_ms"] for r in results["failover"] if r["recovery_ms"] is not None]
    print(f"failover: recovery median {statistics.median(rec):.0f} ms (min {min(rec):.0f}, max {max(rec):.0f}), "
          f"lost median {statistics.median(r['lost'] for r in results['failover'])} at 1000/s")
    first = [r["first_copy_s"] for r in results["create"] if r["first_copy_s"] is not None]
    print(f"create: first copy median {statistics.median(first):.2f} s (min {min(first):.2f}, max {max(first):.2f})")


if __name__ == "__main__":
    main()
