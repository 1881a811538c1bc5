"""Fixtures for tests that run on real network namespaces, veth pairs, tc and eBPF.

Every namespace a test makes is named mt-<run id>-<name> and is removed at teardown together with
the processes inside it and the bpffs pins kept for it, whether the test passed or not.
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NATIVE_BUILD = ROOT / "native-tap" / "build"
PIN_ROOT = Path("/sys/fs/bpf/mirrortunnel")
PYTHON = "/usr/bin/python3"

_SEND_FRAMES = """
import sys
from scapy.all import rdpcap, sendp
sendp(rdpcap(sys.argv[1]), iface=sys.argv[2], verbose=False)
"""


def in_netns(ns, argv):
    """argv run inside namespace ns without remounting /sys (pins stay visible)."""
    if ns is None:
        return list(argv)
    return ["nsenter", f"--net=/run/netns/{ns}", "--"] + list(argv)


class Capture:
    """tcpdump writing a pcap inside a namespace; stop() returns the scapy packets."""

    def __init__(self, lab, ns, ifname, bpf_filter):
        self._path = Path(lab.tmp) / f"cap-{uuid.uuid4().hex[:8]}.pcap"
        argv = ["tcpdump", "-i", ifname, "-U", "--immediate-mode", "-n", "-s", "0",
                "-w", str(self._path)] + list(bpf_filter)
        self._proc = lab.spawn(ns, *argv, stderr=subprocess.PIPE)
        # tcpdump prints "listening on" to stderr once the socket is bound.
        line = self._proc.stderr.readline().decode(errors="replace")
        if "listening" not in line:
            raise RuntimeError(f"tcpdump on {ns}/{ifname} did not start: {line.strip()}")

    def stop(self, settle=0.2):
        from scapy.all import rdpcap
        time.sleep(settle)
        self._proc.send_signal(signal.SIGINT)
        self._proc.wait(timeout=10)
        return list(rdpcap(str(self._path))) if self._path.exists() else []


class Lab:
    def __init__(self, tmp):
        self.tmp = tmp
        self.run_id = uuid.uuid4().hex[:4]
        self.namespaces = []
        self.procs = []

    def ns(self, name):
        full = f"mt-{self.run_id}-{name}"
        subprocess.run(["ip", "netns", "add", full], check=True)
        self.namespaces.append(full)
        self.run(full, "ip", "link", "set", "lo", "up")
        return full

    def veth(self, ns_a, if_a, ns_b, if_b, mac_a=None, mac_b=None):
        argv = ["ip", "link", "add", if_a, "netns", ns_a]
        if mac_a:
            argv += ["address", mac_a]
        argv += ["type", "veth", "peer", "name", if_b, "netns", ns_b]
        if mac_b:
            argv += ["address", mac_b]
        subprocess.run(argv, check=True)
        self.run(ns_a, "ip", "link", "set", if_a, "up")
        self.run(ns_b, "ip", "link", "set", if_b, "up")

    def run(self, ns, *argv, check=True, timeout=30):
        result = subprocess.run(in_netns(ns, argv), capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} in {ns} failed ({result.returncode}): "
                                 f"{result.stderr.strip()}")
        return result

    def spawn(self, ns, *argv, **popen_args):
        popen_args.setdefault("stdout", subprocess.DEVNULL)
        popen_args.setdefault("stderr", subprocess.DEVNULL)
        proc = subprocess.Popen(in_netns(ns, argv), **popen_args)
        self.procs.append(proc)
        return proc

    def capture(self, ns, ifname, *bpf_filter):
        return Capture(self, ns, ifname, bpf_filter)

    def send(self, ns, ifname, frames):
        from scapy.all import wrpcap
        path = Path(self.tmp) / f"send-{uuid.uuid4().hex[:8]}.pcap"
        wrpcap(str(path), frames)
        self.run(ns, PYTHON, "-c", _SEND_FRAMES, str(path), ifname)

    def teardown(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for ns in reversed(self.namespaces):
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        remove_pins(self.namespaces)


def remove_pins(namespaces):
    """Pins live at <pin root>/<component>/<namespace label>/... or <pin root>/<component>/<name>."""
    if not PIN_ROOT.is_dir():
        return
    for component in PIN_ROOT.iterdir():
        for ns in namespaces:
            shutil.rmtree(component / ns, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def native_build():
    """Builds the native tools once per test run."""
    subprocess.run(["make", "-s", "-C", str(ROOT / "native-tap")], check=True)
    return NATIVE_BUILD


@pytest.fixture
def lab():
    tmp = tempfile.mkdtemp(prefix="mt-test-")
    lab = Lab(tmp)
    try:
        yield lab
    finally:
        lab.teardown()
        shutil.rmtree(tmp, ignore_errors=True)
