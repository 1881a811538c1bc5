"""Smoke runs of tools/bench/fig4: the report's shape, copy delivery per configuration, and cleanup. No
timing assertions: the machine is shared and noisy."""
import json
import signal
import subprocess
from pathlib import Path

import pytest
from test_bench_smoke import bench_namespaces, check_spread, processes_naming

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tools" / "bench" / "fig4"
CONFIGS = ["baseline", "dpdk-tap", "dpdk-tap-off", "dpdk-tap-off-gate", "ebpf-fe", "ebpf-be", "ovs", "ovs-mirror"]
MIRRORING = {"dpdk-tap", "ebpf-fe", "ebpf-be", "ovs-mirror"}


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

    assert report["machine"]["nproc"] >= 1 and report["rounds"] == 1
    assert [c["name"] for c in report["configs"]] == CONFIGS
    assert len(report["samples"]) == 1 and sorted(report["samples"][0]) == sorted(CONFIGS)
    for c in report["configs"]:
        check_spread(c["ratio"])
        check_spread(c["cpu_ratio"])
        assert c["pps_median"] > 0 and c["cpu_ns_per_packet_median"] > 0 and c["offered_pps_median"] > 0, c
        # Every mirroring configuration copies what the NSF forwards; the others copy nothing (the DPDK
        # TAP's session is there in the -off ones, its tunnel down). Open vSwitch drops copies when its CPU
        # is short, and does not count them.
        if c["name"] in MIRRORING:
            assert c["copies_per_forwarded"] > (0.5 if c["name"] == "ovs-mirror" else 0.9), c
        else:
            assert c["copies"] == 0, c
    base = report["configs"][0]
    assert base["ratio"]["min"] == base["ratio"]["max"] == 1.0
    mirror = report["configs"][CONFIGS.index("ovs-mirror")]
    check_spread(mirror["ratio_to_ovs"])
    check_spread(mirror["cpu_ratio_to_ovs"])
    assert set(report["verdicts"]) == {"back_over_front_cost_ratio", "back_over_front_cost_cpu_ratio", "dpdk_tap",
                                       "ovs_mirror_to_ovs"}


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
    proc = runs.start("--rounds", "100", "--seconds", "1", "--configs", "baseline,dpdk-tap,ebpf-be,ovs,ovs-mirror")
    # The first round proves mt-l2fwd, OVS and the TAPs were up.
    next(line for line in proc.stderr if "round 1/100" in line)
    namespaces = bench_namespaces(proc.pid)
    spawned = children(proc.pid)
    assert len(namespaces) == 6
    assert {"mt-l2fwd", "ovs-vswitchd", "ovsdb-server"} <= set(spawned.values()), spawned
    runs.interrupt(proc)
    assert proc.wait(timeout=300) != 0
    assert bench_namespaces(proc.pid) == []
    assert processes_naming(namespaces) == []
    assert [name for key, (_, name) in processes().items() if key in spawned] == []
