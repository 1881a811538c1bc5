"""check-host: against a sysfs-shaped copy of an X710 host (out-of-tree i40e with the VFd sysfs) and against the
emulated NIC."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import NATIVE_BUILD, ROOT

CHECK_HOST = str(ROOT / "test-topologies" / "hardware" / "check-host")
NICEMU = str(NATIVE_BUILD / "nicemu")


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def host(tmp_path):
    """An X710 host as sysfs shows it: PF ens1f0 on i40e 2.22.18 with 4 VFs, IOMMU on, bpffs, kernel 6.8."""
    dev = tmp_path / "sys/devices/pci0000:00/0000:3b:00.0"
    (tmp_path / "sys/bus/pci/drivers/i40e").mkdir(parents=True)
    dev.mkdir(parents=True)
    os.symlink("../../../bus/pci/drivers/i40e", dev / "driver")
    (tmp_path / "sys/class/net/ens1f0").mkdir(parents=True)
    os.symlink(dev, tmp_path / "sys/class/net/ens1f0/device")
    write(tmp_path / "sys/module/i40e/version", "2.22.18\n")
    write(dev / "sriov_numvfs", "4\n")
    write(dev / "sriov_totalvfs", "64\n")
    for vf in range(4):
        base = dev / "sriov" / str(vf)
        write(base / "vlan_mirror", "\n")
        write(base / "loopback", "off\n")
        write(base / "link_state", "auto\n")
        for s in ("rx_packets", "tx_packets", "rx_dropped"):
            write(base / "stats" / s, "0\n")
    (tmp_path / "sys/kernel/iommu_groups/17").mkdir(parents=True)
    write(tmp_path / "proc/mounts", "sysfs /sys sysfs rw 0 0\nbpf /sys/fs/bpf bpf rw,relatime 0 0\n")
    write(tmp_path / "proc/sys/kernel/osrelease", "6.8.0-45-generic\n")
    write(tmp_path / "boot/config-6.8.0-45-generic",
          "CONFIG_BPF_SYSCALL=y\nCONFIG_BPF_JIT=y\nCONFIG_NET_CLS_BPF=m\nCONFIG_NET_SCH_INGRESS=m\n")
    return tmp_path, dev


def check(root, *args):
    r = subprocess.run([CHECK_HOST, "--root", str(root), "--pf", "ens1f0", *args], capture_output=True, text=True)
    return r.returncode, r.stdout


def missing(out):
    return [l for l in out.splitlines() if l.startswith("MISSING")]


def test_a_ready_host_passes_every_check(host):
    root, _ = host
    rc, out = check(root)
    assert rc == 0, out
    assert missing(out) == []
    assert "ok      ens1f0: driver: i40e 2.22.18" in out
    assert "ok      ens1f0: VFs: 4 of 64" in out
    assert sum(1 for l in out.splitlines() if l.startswith("ok      ens1f0: VF ")) == 4
    assert "ok      kernel: 6.8.0-45-generic: TAP attaches with tcx, BPF JIT" in out
    assert out.rstrip().endswith("host ready")


def test_each_missing_piece_is_named(host):
    root, dev = host
    (dev / "sriov/2/loopback").unlink()
    (dev / "sriov/3/stats/rx_dropped").unlink()
    write(root / "proc/mounts", "sysfs /sys sysfs rw 0 0\n")
    (root / "sys/kernel/iommu_groups/17").rmdir()
    rc, out = check(root, "--vfs", "8")
    assert rc == 1
    assert missing(out) == [
        "MISSING ens1f0: VFs: 4 created (need 8; at most 64): echo 8 > /sys/class/net/ens1f0/device/sriov_numvfs",
        "MISSING ens1f0: VF 2: no sriov/2/loopback",
        "MISSING ens1f0: VF 3: no sriov/3/stats/rx_dropped",
        "MISSING IOMMU: no IOMMU groups: boot with intel_iommu=on iommu=pt and enable VT-d",
        "MISSING bpffs: not mounted: mount -t bpf bpf /sys/fs/bpf"]


def test_the_in_tree_driver_and_other_drivers_are_refused(host):
    root, dev = host
    (root / "sys/module/i40e/version").unlink()
    rc, out = check(root)
    assert rc == 1 and "MISSING ens1f0: driver version: in-tree i40e" in out
    write(root / "sys/module/i40e/version", "2.19.3\n")
    rc, out = check(root)
    assert rc == 1 and "MISSING ens1f0: driver version: i40e 2.19.3 (need >= 2.22)" in out
    (dev / "driver").unlink()
    (root / "sys/bus/pci/drivers/ice").mkdir()
    os.symlink("../../../bus/pci/drivers/ice", dev / "driver")
    rc, out = check(root)
    assert rc == 1 and missing(out)[0] == "MISSING ens1f0: driver: ice (need i40e)"


def test_an_old_kernel_needs_clsact_and_json_says_why(host):
    root, _ = host
    write(root / "proc/sys/kernel/osrelease", "5.15.0\n")
    write(root / "boot/config-5.15.0", "CONFIG_BPF_SYSCALL=y\nCONFIG_BPF_JIT=y\nCONFIG_NET_CLS_BPF=y\n")
    r = subprocess.run([CHECK_HOST, "--root", str(root), "--pf", "ens1f0", "--json"], capture_output=True, text=True)
    report = json.loads(r.stdout)
    assert r.returncode == 1 and report["ready"] is False
    [kernel] = [c for c in report["checks"] if c["check"] == "kernel"]
    assert kernel == {"status": "MISSING", "check": "kernel", "detail": "5.15.0: CONFIG_NET_SCH_INGRESS (clsact)"}


def test_the_emulated_nic_passes_and_a_missing_vf_is_named(lab):
    sw, up, fn = lab.ns("nic"), lab.ns("up"), lab.ns("fn")
    pf = f"pf-{lab.run_id}"
    subprocess.run([NICEMU, "pf", "add", pf, "switch-netns", sw, "uplink-netns", up], check=True)
    try:
        subprocess.run([NICEMU, "vf", "add", pf, "1", "netns", fn, "ifname", "tun0"], check=True)
        args = [CHECK_HOST, "--nicemu", NICEMU, "--pf", pf]
        r = subprocess.run(args, capture_output=True, text=True)
        assert "MISSING " + pf + ": VFs: 1 created (need 2)" in r.stdout and r.returncode == 1
        subprocess.run([NICEMU, "vf", "add", pf, "2", "netns", fn, "ifname", "mon0"], check=True)
        r = subprocess.run(args, capture_output=True, text=True)
        nic_lines = [l for l in r.stdout.splitlines() if pf in l]
        assert nic_lines == [f"ok      {pf}: driver: emulated (nicemu)", f"ok      {pf}: VFs: 2",
                             f"ok      {pf}: VF 1: vlan_mirror, loopback, link_state, stats",
                             f"ok      {pf}: VF 2: vlan_mirror, loopback, link_state, stats"], r.stdout
    finally:
        subprocess.run([NICEMU, "pf", "del", pf])
