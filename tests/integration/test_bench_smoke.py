"""Smoke runs of tools/bench/datapath: the report's shape, copy delivery per configuration, and
cleanup. No timing assertions: the machine is shared and noisy."""
import json
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "tools" / "bench" / "datapath"
NIC_STATE = Path("/run/mirrortunnel/nic")
PARALLEL = ["baseline", "control", "tap", "tap-disabled", "tap-features", "tap-min", "tc-mirred", "afpacket",
            "emulated"]
MIRRORING = {"tap", "tap-features", "tap-min", "tc-mirred", "afpacket", "emulated"}


def bench_namespaces(pid):
    tag = f"mt-bench-{pid % 0x10000:04x}-"
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(tag)]


def processes_naming(names):
    """Processes whose command line names one of names (the tools get their namespace as an argument)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(name.encode() in arg for arg in argv for name in names):
            found.append(b" ".join(argv).decode(errors="replace"))
    return found


def check_spread(spread):
    assert set(spread) == {"median", "q1", "q3", "min", "max"}
    assert 0 < spread["min"] <= spread["q1"] <= spread["median"] <= spread["q3"] <= spread["max"]


def test_quick_run_reports_every_configuration_and_delivers_its_copies():
    proc = subprocess.Popen([str(BENCH), "--quick", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert bench_namespaces(proc.pid) == []
    report = json.loads(out)

    assert report["machine"]["nproc"] >= 1 and report["machine"]["kernel"]
    par = report["parallel"]
    assert [c["name"] for c in par["configs"]] == PARALLEL
    assert len(par["samples"]) == par["runs"] == 2
    for sample in par["samples"]:
        assert sorted(sample) == sorted(PARALLEL)
        assert sorted(s["path"] for s in sample.values()) == list(range(len(PARALLEL)))
    # Each run puts every configuration on another path.
    assert par["samples"][0]["tap"]["path"] != par["samples"][1]["tap"]["path"]
    for c in par["configs"]:
        check_spread(c["ratio"])
        assert c["sent"] >= par["runs"] * par["packets"]
        assert c["ns_per_packet_median"] > 0
        # The originals arrive whatever the mirroring does.
        assert c["received_share"] > 0.9, c
        if c["name"] in MIRRORING:
            assert c["delivery_share"] > 0.9, c
        else:
            assert c["copies"] == 0, c
    baseline = par["configs"][0]["ratio"]
    assert baseline["min"] == baseline["max"] == 1.0
    afpacket = par["configs"][PARALLEL.index("afpacket")]
    assert afpacket["mirror_cpu_ns_per_copy"] > 0

    assert set(report["goals"]) == {"tap", "tap-vs-tc-mirred", "tap-disabled"}
    for goal in report["goals"].values():
        assert isinstance(goal["met"], bool) and goal["ratio"] > 0
    check_spread(report["goals"]["tap-vs-tc-mirred"]["per_run"])

    tcp = report["tcp"]["summary"]
    assert set(tcp) == {f"rps {r}, mirror {m}" for r in ("off", "on") for m in ("off", "on")}
    assert all(v["gbps"] > 0 and v["TcpRetransSegs"] >= 0 for v in tcp.values())

    ovs = report["ovs"]["summary"]
    check_spread(ovs["ratio"])
    check_spread(ovs["cpu_ratio"])
    for name in ("ovs", "ovs-mirror"):
        assert ovs["pps_median"][name] > 0 and ovs["cpu_ns_per_packet_median"][name] > 0
    assert ovs["delivery_share"]["ovs"] == 0
    assert ovs["delivery_share"]["ovs-mirror"] > 0.9


def test_interrupted_run_removes_everything_it_made():
    proc = subprocess.Popen([str(BENCH), "--rounds", "100", "--packets", "20000", "--ovs-rounds", "0",
                             "--tcp-rounds", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # The first finished run proves paths, mirrors and TAP sessions were all up.
        for line in proc.stderr:
            if "run 1/100" in line:
                break
        namespaces = bench_namespaces(proc.pid)
        assert len(namespaces) == 5  # nsf, dst, mon, and the emulated NIC's switch and wire
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert bench_namespaces(proc.pid) == []
    assert processes_naming(namespaces) == []
    assert not (NIC_STATE / f"mtb{proc.pid % 0x10000:04x}").exists(), "the emulated NIC was left behind"


def test_minimal_tap_variants_deliver_their_copies_and_leave_nothing():
    configs = ["baseline", "tap-min", "tap-min-cb", "tap-min-untagged"]
    proc = subprocess.Popen([str(BENCH), "--quick", "--json", "--ovs-rounds", "0", "--tcp-rounds", "0",
                             "--configs", ",".join(configs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert bench_namespaces(proc.pid) == []
    par = json.loads(out)["parallel"]
    assert [c["name"] for c in par["configs"]] == configs
    for c in par["configs"][1:]:
        assert c["received_share"] > 0.9, c
        assert c["delivery_share"] > 0.9, c
    pins = Path("/sys/fs/bpf/mirrortunnel/bench")
    assert not pins.is_dir() or not any(p.name.startswith(f"mt-bench-{proc.pid % 0x10000:04x}-")
                                        for p in pins.iterdir())
