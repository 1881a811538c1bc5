"""The agent reads its VFs from the NIC: the emulated NIC of the netns lab, and an i40e-shaped sysfs
directory. The configuration only says which VFs are tunnels and which monitors; GetInfo reports what the
NIC has, and bindings use what was discovered, also VFs that appear after the agent started.
"""
import json
import os
import subprocess

import pytest

from test_agent import MTAPCTL, agent_lab, copies, fresh_agent  # noqa: F401 (agent_lab is a fixture)


def vfs_of(info):
    """GetInfo's VFs by index (protobuf JSON leaves out default values)."""
    [pf] = info["pfs"]
    return {v["ref"].get("vf", 0): v for v in pf["vfs"]}


@pytest.fixture
def discovering_agent(agent_lab):
    """An agent told only which VF indexes are tunnels and monitors."""
    with fresh_agent(agent_lab, [{"pf": agent_lab.pf, "tunnels": "1,3", "monitors": "2"}]) as running:
        yield running


def test_the_agent_uses_the_vfs_the_emulated_nic_reports(discovering_agent):
    al, lab = discovering_agent
    vfs = vfs_of(json.loads(al.ctl("--json", "info").stdout))
    assert sorted(vfs) == [1, 2]
    assert (vfs[1]["role"], vfs[1]["netns"], vfs[1]["ifname"], vfs[1]["discovered"]) == ("TUNNEL", al.nsf, "tun0", True)
    assert vfs[1]["mac"] == al.vf(1)["mac"]
    assert (vfs[2]["role"], vfs[2]["netns"], vfs[2]["ifname"]) == ("MONITOR", al.nmf, "mon0")

    assert "s1 active" in al.apply_s1().stdout
    assert copies(al, lab) == 20

    # VFs added to the NIC after the agent started: 3 is a tunnel by the configuration, 4 has no role.
    al.add_vf(3, al.nsf, "tun1")
    al.add_vf(4, al.nmf, "mon1")
    r = al.ctl("apply", "s3", "--source", f"{al.nsf}/svc1", "--tunnel", f"{al.pf}/3", "--vlan", "300",
               "--monitor", f"{al.pf}/2")
    assert "s3 active" in r.stdout, r.stdout
    r = al.ctl("apply", "s4", "--vlan", "400", "--monitor", f"{al.pf}/4", check=False)
    assert "INVALID_ARGUMENT: monitors[0].vf: VF " + al.pf + "/4 is not one this agent may use" in r.stderr, r.stderr
    vfs = vfs_of(json.loads(al.ctl("--json", "info").stdout))
    assert (vfs[3]["role"], vfs[3]["ifname"]) == ("TUNNEL", "tun1")
    assert "role" not in vfs[4] and vfs[4]["ifname"] == "mon1" and vfs[4]["discovered"]
    assert "unused" in al.ctl("info").stdout


def sysfs_pf(root, pf, vfs):
    """An i40e PF as sysfs shows it: sriov/<n>/ VFd files and virtfn<n> links to the VFs' PCI devices."""
    device = root / "class" / "net" / pf / "device"
    pci = root / "devices" / "pci0000:3a" / "0000:3a:00.0"
    for n, host_ifname in vfs:
        vf_pci = pci / f"0000:3b:02.{n}"
        vf_pci.mkdir(parents=True)
        if host_ifname:
            (vf_pci / "net" / host_ifname).mkdir(parents=True)
        sriov = device / "sriov" / str(n)
        sriov.mkdir(parents=True)
        for attr, value in (("vlan_mirror", ""), ("loopback", "off"), ("link_state", "auto"),
                            ("mac", f"3c:fd:fe:9e:00:0{n}")):
            (sriov / attr).write_text(value + "\n")
        os.symlink(vf_pci, device / f"virtfn{n}")


def test_the_agent_reads_its_vfs_from_i40e_sysfs(agent_lab, tmp_path):
    al = agent_lab
    subprocess.run(["rm", "-rf", str(al.state)])
    sysfs_pf(tmp_path, "ens1f0", [(0, "ens1f0v0"), (1, None), (2, "ens1f0v2")])
    al.write_config([{"pf": "ens1f0", "tunnels": "0", "monitors": "2"}],
                    nic={"driver": "i40e", "sysfs_root": str(tmp_path)},
                    tap={"mtapctl": MTAPCTL, "watch": False})  # its tunnel is in the machine's own namespace
    al.start_agent()
    try:
        info = json.loads(al.ctl("--json", "info").stdout)
        assert info["nicDriver"] == "i40e"
        vfs = vfs_of(info)
        assert sorted(vfs) == [0, 1, 2]
        assert (vfs[0]["role"], vfs[0].get("netns", ""), vfs[0]["ifname"]) == ("TUNNEL", "", "ens1f0v0")
        assert vfs[0]["mac"] == "3c:fd:fe:9e:00:00" and vfs[0]["linkState"] == "auto"
        assert "role" not in vfs[1] and "ifname" not in vfs[1], "in no namespace the agent can see"
        assert vfs[2]["role"] == "MONITOR" and all(v["discovered"] for v in vfs.values())
    finally:
        al.kill_agent()
