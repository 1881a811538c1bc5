"""Smoke runs of tools/bench/fig4: the report's shape, copy delivery per configuration, and cleanup. No
timing assertions: the machine is shared and noisy."""
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_bench_smoke import bench_namespaces, check_spread, processes_naming

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tools" / "bench" / "fig4"
PARALLEL = ["baseline", "control", "dpdk-tap", "dpdk-tap-own", "dpdk-tap-off", "ebpf-fe", "ebpf-be"]
MRR = ["baseline", "dpdk-tap", "dpdk-tap-off", "dpdk-tap-off-gate", "ebpf-fe", "ebpf-be", "ovs", "ovs-mirror"]
OUR_TAPS = {"dpdk-tap", "ebpf-fe", "ebpf-be"}


class Runs:
    """Benchmark processes of one test. At teardown one that still runs is interrupted (once: a second
    SIGINT would cut its cleanup short) and let finish its cleanup, which on a loaded machine can take
    minutes; only then is it killed."""

    def __init__(self):
        self.procs = []
        self.interrupted = set()

    def start(self, *args):
        self.procs.append(subprocess.Popen([str(BENCH), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True))
        return self.procs[-1]

    def interrupt(self, proc):
        proc.send_signal(signal.SIGINT)
        self.interrupted.add(proc.pid)

    def close(self):
        for proc in self.procs:
            if proc.poll() is None and proc.pid not in self.interrupted:
                self.interrupt(proc)
            try:
                proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def runs():
    r = Runs()
    yield r
    r.close()


def test_quick_run_reports_every_configuration_and_its_copies(runs):
    proc = runs.start("--quick", "--json")
    out, err = proc.communicate(timeout=600)
    assert (proc.returncode, bench_namespaces(proc.pid)) == (0, []), err
    report = json.loads(out)
    assert report["machine"]["nproc"] >= 1

    par = report["parallel"]
    assert [c["name"] for c in par["configs"]] == PARALLEL and par["runs"] == len(par["samples"]) == 2
    for sample in par["samples"]:
        assert sorted(sample) == sorted(PARALLEL)
        assert sorted(s["path"] for s in sample.values()) == list(range(len(PARALLEL)))
        for name, s in sample.items():
            # The NSF's own traffic all arrives; our TAPs deliver every copy, the others send none.
            assert s["forwarded"] > 0 and s["received"] == s["forwarded"], (name, s)
            assert s["copies"] == (s["forwarded"] if name in OUR_TAPS else 0), (name, s)
        # The TAP's own cost: a copy made for every packet, the full tunnel refusing all but its ring's worth.
        tap = sample["dpdk-tap-own"]["tap"]
        assert tap["seen"] == sample["dpdk-tap-own"]["forwarded"] == tap["mirrored"] + tap["errors"]
        assert tap["mirrored"] <= 1023
    assert par["samples"][0]["dpdk-tap"]["path"] != par["samples"][1]["dpdk-tap"]["path"]
    for c in par["configs"]:
        check_spread(c["ratio"])
        assert c["ns_per_packet"] > 0
    assert par["configs"][0]["ratio"]["min"] == par["configs"][0]["ratio"]["max"] == 1.0

    mrr = report["mrr"]
    assert [c["name"] for c in mrr["configs"]] == MRR and mrr["rounds"] == 1
    for c in mrr["configs"]:
        check_spread(c["ratio"])
        check_spread(c["cpu_ratio"])
        assert c["pps"] > 0 and c["cpu_ns_per_packet"] > 0 and c["offered_pps"] > 0, c
        # Open vSwitch drops copies when its CPU is short, and does not count them.
        if c["name"] in OUR_TAPS | {"ovs-mirror"}:
            assert c["copies_per_forwarded"] > (0.5 if c["name"] == "ovs-mirror" else 0.99), c
        else:
            assert c["copies"] == 0, c
    mirror = mrr["configs"][MRR.index("ovs-mirror")]
    check_spread(mirror["ratio_to_ovs"])
    check_spread(mirror["cpu_ratio_to_ovs"])
    check_spread(mirror["ovs_cpu_ratio_to_ovs"])
    assert set(report["verdicts"]) == {"back_over_front_cost_parallel", "dpdk_tap_parallel", "back_over_front_cost_mrr",
                                       "back_over_front_cost_mrr_cpu", "ovs_mirror_to_ovs"}


def processes():
    """{(pid, start time): (parent pid, command name)} of every live process (the start time tells a reused
    pid apart)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        fields = rest.split()
        if fields[0] != "Z":
            out[(int(stat.parent.name), int(fields[19]))] = (int(fields[1]), name)
    return out


def children(pid):
    """{(pid, start time): command name} of the processes whose parent is pid."""
    return {key: name for key, (ppid, name) in processes().items() if ppid == pid}


def test_interrupted_run_removes_everything_it_made(runs):
    proc = runs.start("--runs", "100", "--packets", "5000", "--rounds", "0")
    # The first run proves mt-l2fwd, OVS and the TAPs were up.
    next(line for line in proc.stderr if "run 1/100" in line)
    namespaces = bench_namespaces(proc.pid)
    assert len(namespaces) == 6
    # Each run starts its own mt-l2fwd: wait for the next one.
    deadline = time.monotonic() + 30
    while not {"mt-l2fwd", "ovs-vswitchd", "ovsdb-server"} <= set((spawned := children(proc.pid)).values()):
        assert time.monotonic() < deadline, spawned
        time.sleep(0.05)
    runs.interrupt(proc)
    assert proc.wait(timeout=300) != 0
    assert bench_namespaces(proc.pid) == []
    assert processes_naming(namespaces) == []
    assert [name for key, (_, name) in processes().items() if key in spawned] == []
