"""The real host agent switches a binding on and off, restarts (killed or stopped) and restarts its TAP
watcher, while sequence-numbered UDP crosses the NSF both ways: not one datagram of the NSF's is lost.

Runs on the lab of test_agent.py (its fixtures: the netns topology with an emulated NIC, a fresh agent
per test, driven by mirrorctl over mTLS)."""
import json
import os
import signal
import subprocess
import time

from conftest import NATIVE_BUILD
from test_agent import agent, agent_lab, copies  # noqa: F401 (fixtures)

SEQ = str(NATIVE_BUILD / "mt-seq")
RATE = 12500
SRC_IP, DST_IP = "192.0.2.1", "192.0.2.2"


def tx_dropped(lab, ns):
    """Drops on the NSF's own ports. (The tunnel VF counts its own: copies sent in the milliseconds
    between its losing carrier and the TAP following it.)"""
    links = json.loads(lab.run(ns, "ip", "-s", "-j", "link").stdout)
    return {link["ifname"]: link["stats64"]["tx"]["dropped"] for link in links
            if link["ifname"] in ("svc0", "svc1", "br0")}


def test_switching_and_restarts_lose_no_datagram(agent):  # noqa: F811
    al, lab = agent
    al.apply_s1()
    time.sleep(0.2)
    # Addresses resolved before the count starts: a neighbour lookup is not the TAP's business.
    lab.run(al.src, "ping", "-c", "1", "-W", "2", DST_IP)
    dst = al.src.replace("-src", "-dst")
    flows = []
    for src_ns, dst_ns, dst_ip in ((al.src, dst, DST_IP), (dst, al.src, SRC_IP)):
        recv = lab.spawn(dst_ns, SEQ, "recv", stdout=subprocess.PIPE, text=True)
        assert recv.stdout.readline().strip() == "ready"
        flows.append((lab.spawn(src_ns, SEQ, "send", "-r", str(RATE), dst_ip, stdout=subprocess.PIPE, text=True),
                      recv))
    dropped = tx_dropped(lab, al.nsf)

    for _ in range(3):
        al.ctl("disable", "s1")
        al.ctl("enable", "s1")
    al.kill_agent(signal.SIGKILL)
    al.start_agent()
    al.kill_agent(signal.SIGTERM)
    al.start_agent()
    [watcher] = al.watchers()
    os.kill(int(watcher), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while al.watchers() in ([], [watcher]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(al.watchers()) == 1, "the agent did not restart its TAP watcher"
    for _ in range(2):
        al.ctl("disable", "s1")
        al.ctl("enable", "s1")

    for send, _ in flows:
        send.send_signal(signal.SIGINT)
    sent = [json.loads(send.communicate(timeout=10)[0]) for send, _ in flows]
    time.sleep(0.5)
    for _, recv in flows:
        recv.send_signal(signal.SIGINT)
    got = [json.loads(recv.communicate(timeout=10)[0]) for _, recv in flows]
    for direction, s, g in zip(("src to dst", "dst to src"), sent, got):
        assert g["socket_drops"] == 0, f"{direction}: the receiver overflowed ({g}): the run proves nothing"
        assert (g["unique"], g["duplicates"]) == (s["sent"], 0), f"{direction}: sent {s}, received {g}"
        print(f"{direction}: {s['sent']} datagrams, all received once")
    assert tx_dropped(lab, al.nsf) == dropped
    time.sleep(0.2)
    assert copies(al, lab) == 20, "mirroring works after it all"
