#!/usr/bin/python3
"""Mirror Tunnel on a Mininet fabric: three switches in a triangle (a redundant path) and three hosts, each with
its own emulated SR-IOV NIC whose uplink is a fabric switch port, an NSF (service ports svc0/svc1, tunnel VF 1),
a monitor VF 2 (the NMF) and its own host agent (mTLS, own state directory).

            s1 ──────── s2                 h<N>: mt-<id>-h<N>-src ── svc0 [NSF br0] svc1 ── mt-<id>-h<N>-dst
              \\        /                         NSF tun0 = VF 1, NMF mon0 = VF 2 of PF pf-<id>-h<N>
               \\      /                          NIC uplink mt-<id>-h<N> = port 3 of s<N>
                  s3

Switches are bridges of the fabric's own Open vSwitch (ovsdb-server and ovs-vswitchd with their state under the
fabric's run directory; userspace datapath, OpenFlow 1.3, fail mode secure: no flow, no forwarding, so nothing is
flooded or learned). With --controller remote,ip=ADDR[,port=P] ONOS programs them; without, the fabric's stand-in
for ONOS (test-topologies/mininet/fabric/) does: the Mirror Tunnel app's own manager, store and agent programmer
on ONOS's services, with ONOS's own intent compilers turning the app's intents into flows. It takes sessions on a
control socket, as JSON the app's REST API takes. Every name starts with mt-<id>-; `down` removes all of them,
also after a crash halfway through `up`.

    fabric.py up [--id ID] [--controller remote,ip=ADDR[,port=P]] [--agent-host ADDR]
    fabric.py down [--id ID]
    fabric.py status [--id ID]
"""
import argparse
import ctypes
import functools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NATIVE = ROOT / "native-tap" / "build"
NICEMU = str(NATIVE / "nicemu")
MTAPCTL = str(NATIVE / "mtapctl")
AGENT_JAR = ROOT / "host-agent" / "agent" / "target" / "mirror-agent.jar"
MIRRORCTL = str(ROOT / "tools" / "mirrorctl")
MKCERTS = str(ROOT / "tools" / "mkcerts")
CONTROLLER_MODULE = ROOT / "test-topologies" / "mininet" / "fabric"
RUN_DIR = Path("/run/mirrortunnel")
APP = "org.mirrortunnel.app"
TUNNEL_VF, MONITOR_VF = 1, 2
SRC_IP, DST_IP = "192.0.2.1", "192.0.2.2"
# How often the app reads the agents' counters (its default is 10 s).
STATS_SECONDS = 2
# Each monitor VF's address, so that ONOS knows the NMF as a host by IP.
MONITOR_NET = "198.51.100"
ID_RE = re.compile(r"^[a-z0-9]{1,6}$")


def run(*argv, check=True, input=None, timeout=60, env=None):
    r = subprocess.run(list(argv), capture_output=True, text=True, input=input, timeout=timeout, env=env)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {(r.stderr or r.stdout).strip()}")
    return r


def in_ns(ns, *argv, **kw):
    return run("nsenter", f"--net=/run/netns/{ns}", "--", *argv, **kw)


def build_java():
    """The agent jar and the stand-in controller with the app, built once (tools/test has built them already)."""
    if not AGENT_JAR.exists():
        run("mvn", "-B", "-q", "-o", "-f", str(ROOT / "pom.xml"), "-pl", "host-agent/agent", "-am", "package",
            "-DskipTests", timeout=600)
    if not (CONTROLLER_MODULE / "target" / "fabric.classpath").exists():
        run("mvn", "-B", "-q", "-o", "-f", str(ROOT / "pom.xml"), "-pl", "test-topologies/mininet/fabric", "-am",
            "package", "-DskipTests", timeout=900)


def setns_fd(fd):
    """Moves the calling thread into the network namespace of a file descriptor (Python 3.11 has no os.setns)."""
    if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "setns")


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        setns_fd(fd)
    finally:
        os.close(fd)


def kill_group(pidfile):
    try:
        os.killpg(int(pidfile.read_text()), signal.SIGKILL)
    except (OSError, ValueError):
        pass


def stop_daemon(pidfile, timeout=5):
    """Stops a daemon by its pidfile: SIGTERM (Open vSwitch removes its devices), SIGKILL if it lingers."""
    try:
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        return
    deadline = time.time() + timeout
    while Path(f"/proc/{pid}").exists() and time.time() < deadline:
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def read_bytes(path):
    try:
        return path.read_bytes()
    except OSError:
        return b""


class ControlError(RuntimeError):
    """A refusal from the stand-in controller, in the app's error model: code, field, message."""

    def __init__(self, reply):
        super().__init__(f"{reply['code']} {reply.get('field') or ''}: {reply['error']}")
        self.code, self.field, self.message = reply["code"], reply.get("field"), reply["error"]


class Server:
    """One host of the testbed: traffic endpoints, the NSF, the NMF, the emulated NIC and the host agent."""

    def __init__(self, fabric, n, monitor=True):
        self.fabric, self.n, self.has_monitor = fabric, n, monitor
        self.name = f"h{n}"
        p = f"{fabric.prefix}h{n}-"
        self.src, self.nsf, self.dst, self.nmf, self.nic, self.wire = (
            p + "src", p + "nsf", p + "dst", p + "nmf", p + "nic", p + "up")
        self.pf = f"pf-{fabric.id}-h{n}"
        self.uplink = f"{fabric.prefix}h{n}"
        self.state = fabric.state / self.name
        self.agent = None
        self.address = None
        self.port = None

    @property
    def monitor_ip(self):
        return f"{MONITOR_NET}.{self.n}"

    @property
    def source_port(self):
        """The NSF's service port svc0 as a session endpoint (agent:netns/ifname)."""
        return f"{self.name}:{self.nsf}/svc0"

    @property
    def monitor_port(self):
        """The monitor VF as a session endpoint."""
        return f"{self.name}:{self.nmf}/mon0"

    @property
    def namespaces(self):
        return [self.src, self.nsf, self.dst, self.nmf, self.nic, self.wire]

    def build(self):
        for ns in self.namespaces:
            run("ip", "netns", "add", ns)
            in_ns(ns, "ip", "link", "set", "lo", "up")
            in_ns(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        self._veth(self.src, "eth0", self.nsf, "svc0")
        self._veth(self.nsf, "svc1", self.dst, "eth0")
        for ns, ip in ((self.src, SRC_IP), (self.dst, DST_IP)):
            in_ns(ns, "ip", "addr", "add", f"{ip}/24", "dev", "eth0")
            # Full checksums in every frame: copies of offloaded frames would carry partial ones.
            in_ns(ns, "ethtool", "-K", "eth0", "tx", "off")
        # Static neighbours: no ARP of their own in the traffic the TAP sees.
        for ns, ip, peer in ((self.src, DST_IP, self.dst), (self.dst, SRC_IP, self.src)):
            in_ns(ns, "ip", "neigh", "replace", ip, "lladdr", self.mac(peer, "eth0"), "dev", "eth0", "nud",
                  "permanent")
        in_ns(self.nsf, "ip", "link", "add", "br0", "type", "bridge")
        for port in ("svc0", "svc1"):
            in_ns(self.nsf, "ip", "link", "set", port, "master", "br0")
        in_ns(self.nsf, "ip", "link", "set", "br0", "up")
        run(NICEMU, "pf", "add", self.pf, "switch-netns", self.nic, "uplink-netns", self.wire,
            "uplink-ifname", self.uplink)
        run(NICEMU, "vf", "add", self.pf, str(TUNNEL_VF), "netns", self.nsf, "ifname", "tun0")
        if self.has_monitor:
            run(NICEMU, "vf", "add", self.pf, str(MONITOR_VF), "netns", self.nmf, "ifname", "mon0")
            in_ns(self.nmf, "ip", "addr", "add", f"{self.monitor_ip}/24", "dev", "mon0")
        # The uplink's far end joins the fabric's Open vSwitch, in the fabric's namespace.
        fabric_ns = self.fabric.netns
        in_ns(self.wire, "ip", "link", "set", self.uplink, "netns", fabric_ns)
        in_ns(fabric_ns, "sysctl", "-qw", f"net.ipv6.conf.{self.uplink}.disable_ipv6=1")
        in_ns(fabric_ns, "ip", "link", "set", self.uplink, "up")

    @staticmethod
    def _veth(ns_a, if_a, ns_b, if_b):
        run("ip", "link", "add", if_a, "netns", ns_a, "type", "veth", "peer", "name", if_b, "netns", ns_b)
        in_ns(ns_a, "ip", "link", "set", if_a, "up")
        in_ns(ns_b, "ip", "link", "set", if_b, "up")

    def mac(self, ns, ifname):
        return json.loads(in_ns(ns, "ip", "-j", "link", "show", ifname).stdout)[0]["address"]

    def agent_config(self):
        certs = self.fabric.certs
        vfs = [{"vf": TUNNEL_VF, "role": "tunnel", "netns": self.nsf, "ifname": "tun0"}]
        if self.has_monitor:
            vfs.append({"vf": MONITOR_VF, "role": "monitor", "netns": self.nmf, "ifname": "mon0"})
        return {
            "agent_id": self.name, "listen": f"{self.fabric.agent_host}:{self.port}",
            "state_dir": str(self.state / "agent"),
            "tls": {"cert": str(certs / "agent.pem"), "key": str(certs / "agent.key"),
                    "client_ca": str(certs / "ca.pem")},
            "nic": {"driver": "emulated", "nicemu": NICEMU}, "tap": {"mtapctl": MTAPCTL},
            "inventory": [{"pf": self.pf, "vfs": vfs}]}

    def start_agent(self):
        """Starts the agent; wait_agent() waits until it serves. Its port and state directory are kept across
        restarts, so the network config stays true."""
        self.state.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            with socket.socket() as probe:
                probe.bind((self.fabric.agent_host, 0))
                self.port = probe.getsockname()[1]
        config = self.state / "agent.json"
        config.write_text(json.dumps(self.agent_config(), indent=2))
        self.address = None
        self.agent = subprocess.Popen(["java", "-jar", str(AGENT_JAR), "--config", str(config)],
                                      stdout=open(self.state / "agent.out", "w"),
                                      stderr=open(self.state / "agent.log", "a"), stdin=subprocess.DEVNULL,
                                      start_new_session=True)
        (self.state / "agent.pid").write_text(str(self.agent.pid))

    def wait_agent(self):
        deadline = time.time() + 90
        while time.time() < deadline:
            m = re.search(r"serving on (\S+):(\d+)", (self.state / "agent.out").read_text())
            if m:
                self.address = f"{m.group(1)}:{m.group(2)}"
                return
            if self.agent.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"agent {self.name} did not start: {(self.state / 'agent.log').read_text()[-2000:]}")

    def stop_agent(self, sig=signal.SIGTERM):
        if self.agent and self.agent.poll() is None:
            self.agent.send_signal(sig)
            self.agent.wait(timeout=30)

    def ctl(self, *args, check=True):
        """mirrorctl against this host's agent over mTLS."""
        certs = self.fabric.certs
        # A short-lived client JVM: skipping the optimizing compiler halves its start on a busy machine.
        env = dict(os.environ, JDK_JAVA_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        r = run(MIRRORCTL, "-a", self.address, "--ca", str(certs / "ca.pem"), "--cert", str(certs / "client.pem"),
                "--key", str(certs / "client.key"), *args, check=False, timeout=120, env=env)
        if check and r.returncode != 0:
            raise RuntimeError(f"mirrorctl {' '.join(args)} on {self.name}: {r.stderr.strip()}")
        return r

    def vf(self, n):
        [pf] = json.loads(run(NICEMU, "-j", "pf", "show", self.pf).stdout)
        return next(v for v in pf["vfs"] if v["vf"] == n)

    def vf_stats(self, n):
        return json.loads(run(NICEMU, "-j", "vf", "get", self.pf, str(n), "stats").stdout)


class Fabric:
    def __init__(self, fabric_id, controller=None, agent_host="127.0.0.1", monitors=("h1", "h2", "h3")):
        if not ID_RE.match(fabric_id):
            raise ValueError(f"fabric id '{fabric_id}': 1 to 6 characters a-z0-9")
        self.id = fabric_id
        self.prefix = f"mt-{fabric_id}-"
        self.state = RUN_DIR / f"fabric-{fabric_id}"
        self.certs = self.state / "certs"
        # The fabric's own Open vSwitch: every ovs-* command of this fabric runs with this environment.
        self.ovs_dir = self.state / "ovs"
        self.env = dict(os.environ, OVS_RUNDIR=str(self.ovs_dir), OVS_DBDIR=str(self.ovs_dir),
                        OVS_LOGDIR=str(self.ovs_dir))
        self.ovsdb = f"unix:{self.ovs_dir}/db.sock"
        # The fabric's network namespace: ovs-vswitchd, its switches' ports and cables. Its userspace datapath
        # makes devices of fixed names (ovs-netdev), so it cannot share a namespace with another one.
        self.netns = f"{self.prefix}fabric"
        self.controller = controller
        self.agent_host = agent_host
        self.servers = [Server(self, n, monitor=f"h{n}" in monitors) for n in (1, 2, 3)]
        self.switches = [f"{self.prefix}s{n}" for n in (1, 2, 3)]
        self.net = None
        self.fabric_proc = None

    @staticmethod
    def start_agents(servers):
        """Starts the agents side by side and waits for each."""
        for s in servers:
            s.start_agent()
        for s in servers:
            s.wait_agent()

    def ovs(self, *argv, check=True):
        """An Open vSwitch command against this fabric's own instance."""
        return run(*argv, check=check, env=self.env)

    def start_ovs(self):
        """ovsdb-server and ovs-vswitchd of this fabric, their sockets, database, logs and pids in ovs_dir."""
        d = self.ovs_dir
        d.mkdir(parents=True)
        run("ip", "netns", "add", self.netns)
        in_ns(self.netns, "ip", "link", "set", "lo", "up")
        self.ovs("ovsdb-tool", "create", str(d / "conf.db"), "/usr/share/openvswitch/vswitch.ovsschema")
        self.ovs("ovsdb-server", str(d / "conf.db"), f"--remote=p{self.ovsdb}", f"--pidfile={d}/ovsdb-server.pid",
                 "--detach", f"--log-file={d}/ovsdb-server.log")
        self.ovs("ovs-vsctl", "--no-wait", "init")
        self.ovs("nsenter", f"--net=/run/netns/{self.netns}", "--", "ovs-vswitchd", self.ovsdb,
                 f"--pidfile={d}/ovs-vswitchd.pid", "--detach", f"--log-file={d}/ovs-vswitchd.log")
        self.ovs("ovs-vsctl", "--timeout=10", "show")

    def server(self, name):
        return next(s for s in self.servers if s.name == name)

    def dpid(self, n):
        return f"{int(self.id, 36) % (1 << 48):012x}{n:04x}"

    def device(self, n):
        return f"of:{self.dpid(n)}"

    def cable_ifname(self, a, b):
        return f"{self.prefix}s{a}s{b}"

    # ---- up ----

    def up(self):
        if self.state.exists() or run("ip", "netns", "list").stdout.count(self.prefix):
            raise RuntimeError(f"fabric {self.id} exists: run down first")
        self.state.mkdir(parents=True)
        try:
            build_java()
            self.start_ovs()
            run(MKCERTS, str(self.certs), self.agent_host)
            for s in self.servers:
                s.build()
            self._mininet()
            self._write_descriptions()
            self.start_agents(self.servers)
            self._write_netcfg()
            if self.controller is None:
                self._start_fabric_controller()
        except BaseException:
            self.down()
            raise
        return self

    def _mininet(self):
        from mininet.link import Intf
        from mininet.net import Mininet
        from mininet.node import OVSSwitch, RemoteController
        from mininet.topo import Topo

        fabric = self

        class MirrorFabricTopo(Topo):
            """Three switches in a triangle: every pair has a direct link and a two-hop one."""

            def build(self):
                for n in (1, 2, 3):
                    self.addSwitch(fabric.switches[n - 1], dpid=fabric.dpid(n))
                for a, b in ((1, 2), (2, 3), (3, 1)):
                    self.addLink(fabric.switches[a - 1], fabric.switches[b - 1],
                                 intfName1=fabric.cable_ifname(a, b), intfName2=fabric.cable_ifname(b, a))

        switch = functools.partial(OVSSwitch, datapath="user", failMode="secure", protocols="OpenFlow13")
        # Mininet runs ovs-vsctl and ip from its own shells, which inherit this process's environment and this
        # thread's network namespace.
        saved = dict(os.environ)
        os.environ.update(self.env)
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        setns(f"/run/netns/{self.netns}")
        try:
            self.net = Mininet(topo=MirrorFabricTopo(), switch=switch, controller=None, build=False,
                               autoSetMacs=False, autoStaticArp=False)
            if self.controller:
                self.net.addController(RemoteController("c0", ip=self.controller[0], port=self.controller[1]))
            self.net.build()
            for s in self.servers:
                Intf(s.uplink, node=self.net[self.switches[s.n - 1]])
            for sw in self.net.switches:
                for intf in sw.intfList():
                    if intf.name != "lo" and intf.name.startswith(self.prefix + "s"):
                        run("sysctl", "-qw", f"net.ipv6.conf.{intf.name}.disable_ipv6=1", check=False)
            self.net.start()
        finally:
            setns_fd(home)
            os.close(home)
            os.environ.clear()
            os.environ.update(saved)

    def ports(self, n):
        """Interface name -> OpenFlow port of switch s<n>, as OVS reports them."""
        out = self.ovs("ovs-ofctl", "-O", "OpenFlow13", "dump-ports-desc", self.switches[n - 1]).stdout
        return {m.group(2): int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\((\S+)\):", out, re.M)}

    def uplink_port(self, server):
        return f"{self.device(server.n)}/{self.ports(server.n)[server.uplink]}"

    def _write_descriptions(self):
        switches, cables = [], []
        for n in (1, 2, 3):
            switches.append({"bridge": self.switches[n - 1], "dpid": self.dpid(n), "ports": self.ports(n)})
        for a, b in ((1, 2), (2, 3), (3, 1)):
            cables.append([f"{self.device(a)}/{self.ports(a)[self.cable_ifname(a, b)]}",
                           f"{self.device(b)}/{self.ports(b)[self.cable_ifname(b, a)]}"])
        (self.state / "fabric.json").write_text(json.dumps({
            "switches": switches, "cables": cables,
            "uplinks": {s.name: self.uplink_port(s) for s in self.servers},
            "hosts": self.stations()}, indent=2))

    def stations(self):
        """What ONOS learns as hosts at each host's uplink: the NSF's service ports and the monitor VF."""
        hosts = []
        for s in self.servers:
            where = self.uplink_port(s)
            hosts += [{"mac": s.mac(s.nsf, port), "ips": [], "location": where} for port in ("svc0", "svc1")]
            if s.has_monitor:
                hosts.append({"mac": s.mac(s.nmf, "mon0"), "ips": [s.monitor_ip], "location": where})
        return hosts

    def netcfg(self):
        """The ONOS network configuration of the app's agents (for onos-netcfg)."""
        agents = {}
        for s in self.servers:
            agents[s.name] = {
                "address": s.address, "ca": str(self.certs / "ca.pem"), "cert": str(self.certs / "client.pem"),
                "key": str(self.certs / "client.key"), "uplink": self.uplink_port(s),
                "ports": {s.mac(s.nsf, port): f"{s.nsf}/{port}" for port in ("svc0", "svc1")}}
        return {"apps": {APP: {"agents": agents}}}

    def _write_netcfg(self):
        (self.state / "netcfg.json").write_text(json.dumps(self.netcfg(), indent=2))

    def _start_fabric_controller(self):
        target = CONTROLLER_MODULE / "target"
        classpath = ":".join([str(target / "classes"), (target / "fabric.classpath").read_text().strip(),
                              str(target / "onos-core-net" / "onos-core-net.jar")])
        log = open(self.state / "controller.log", "w")
        self.fabric_proc = subprocess.Popen(
            ["java", "-Djdk.util.zip.disableZip64ExtraFieldValidation=true",
             # Kryo, in the app's store, reflects into these.
             "--add-opens", "java.base/java.lang.invoke=ALL-UNNAMED",
             "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
             "-cp", classpath, "org.mirrortunnel.fabric.FabricMain", "--topology", str(self.state / "fabric.json"),
             "--netcfg", str(self.state / "netcfg.json"), "--control", str(self.state / "control.sock"),
             "--ovsdb", self.ovsdb, "--cfg", f"reconnectSeconds=1,statsSeconds={STATS_SECONDS}"],
            stdout=open(self.state / "controller.out", "w"), stderr=log, stdin=subprocess.DEVNULL,
            start_new_session=True, env=self.env)
        (self.state / "controller.pid").write_text(str(self.fabric_proc.pid))
        deadline = time.time() + 90
        while '"ready"' not in (self.state / "controller.out").read_text():
            if self.fabric_proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"fabric controller did not start: {(self.state / 'controller.log').read_text()}")
            time.sleep(0.05)
        self.wait_agents()

    # ---- the stand-in controller's control socket ----

    def request(self, **req):
        """One request; the answer, or ControlError with the app's error model."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(60)
            sock.connect(str(self.state / "control.sock"))
            sock.sendall((json.dumps(req) + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                buf += chunk
        reply = json.loads(buf)
        if "error" in reply and "code" in reply:
            raise ControlError(reply)
        return reply

    def create(self, **session):
        """Creates a session through the app (the JSON of POST /onos/mirror/v1/sessions); returns it."""
        return self.request(op="create", session=session)["session"]

    def remove(self, sid):
        return self.request(op="remove", id=sid)["session"]

    def session(self, sid):
        return self.request(op="session", id=sid)["session"]

    def agents(self):
        return {a["id"]: a for a in self.request(op="agents")["agents"]}

    def intents(self):
        """Every intent the controller holds: key, type, app, state, links, flows."""
        return self.request(op="intents")["intents"]

    def intent(self, key):
        return next(i for i in self.intents() if i["key"] == key)

    def wait_agents(self, names=None, timeout=90):
        """Until the app's agent programmer has every agent (or those named) connected."""
        names = set(names or (s.name for s in self.servers))
        deadline = time.time() + timeout
        while True:
            agents = self.agents()
            if all(agents.get(n, {}).get("connected") for n in names):
                return agents
            if time.time() > deadline:
                raise RuntimeError(f"agents not connected: {agents}")
            time.sleep(0.05)

    def wait_active(self, sid, timeout=60):
        """Until every host of the session reports it ACTIVE; returns the session."""
        deadline = time.time() + timeout
        while True:
            s = self.session(sid)
            if s["operState"] == "ACTIVE":
                return s
            if time.time() > deadline:
                raise RuntimeError(f"session {sid} not active: {s}")
            time.sleep(0.02)

    def flows(self, n):
        """Flow entries of switch s<n> (table, priority, match, actions), without counters."""
        out = self.ovs("ovs-ofctl", "-O", "OpenFlow13", "--no-stats", "dump-flows", self.switches[n - 1]).stdout
        return sorted(line.strip() for line in out.splitlines() if "actions=" in line)

    def link(self, a, b, up):
        """Sets the cable between s<a> and s<b> up or down, both ends, as Mininet's configLinkStatus does."""
        for ifname in (self.cable_ifname(a, b), self.cable_ifname(b, a)):
            in_ns(self.netns, "ip", "link", "set", ifname, "up" if up else "down")

    # ---- down ----

    def down(self):
        """Removes everything named mt-<id>-*, pf-<id>-* or kept under the state directory; best effort."""
        # Agents and the controller run in sessions of their own: their groups hold their children too (the
        # agents' carrier watchers, the controller's ovsdb-client).
        for pidfile in self.state.glob("h*/agent.pid") if self.state.exists() else []:
            kill_group(pidfile)
        kill_group(self.state / "controller.pid")
        nic_run = RUN_DIR / "nic"
        for pf in sorted(nic_run.glob(f"pf-{self.id}-h*")) if nic_run.exists() else []:
            run(NICEMU, "pf", "del", pf.name, check=False)
        if (self.ovs_dir / "db.sock").exists():
            for br in self.ovs("ovs-vsctl", "--timeout=5", "list-br", check=False).stdout.split():
                self.ovs("ovs-vsctl", "--timeout=10", "--if-exists", "del-br", br, check=False)
        for daemon in ("ovs-vswitchd", "ovsdb-server"):
            stop_daemon(self.ovs_dir / f"{daemon}.pid")
        for link in json.loads(run("ip", "-j", "link", "show").stdout or "[]"):
            if link["ifname"].startswith(self.prefix):
                run("ip", "link", "del", link["ifname"], check=False)
        for ns in run("ip", "netns", "list").stdout.split():
            if ns.startswith(self.prefix):
                for pid in run("ip", "netns", "pids", ns, check=False).stdout.split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                run("ip", "netns", "del", ns, check=False)
                shutil.rmtree(f"/sys/fs/bpf/mirrortunnel/tap/{ns}", ignore_errors=True)
        shutil.rmtree(self.state, ignore_errors=True)
        self.net = None

    def leftovers(self):
        """What down should have removed; empty when clean."""
        left = [f"namespace {ns}" for ns in run("ip", "netns", "list").stdout.split() if ns.startswith(self.prefix)]
        left += [f"process {p.name}" for p in Path("/proc").glob("[0-9]*")
                 if str(self.ovs_dir).encode() in read_bytes(p / "cmdline")]
        left += [f"link {l['ifname']}" for l in json.loads(run("ip", "-j", "link", "show").stdout or "[]")
                 if l["ifname"].startswith(self.prefix)]
        left += [f"pins {p}" for p in Path("/sys/fs/bpf/mirrortunnel/nic").glob(f"pf-{self.id}-h*")]
        if self.state.exists():
            left.append(f"state {self.state}")
        return left

    def status(self):
        lines = []
        bridges = self.ovs("ovs-vsctl", "--timeout=5", "list-br", check=False).stdout.split()
        for n, sw in enumerate(self.switches, 1):
            if sw not in bridges:
                lines.append(f"{sw} absent")
                continue
            ports = " ".join(f"{p}:{name}" for name, p in sorted(self.ports(n).items(), key=lambda x: x[1]))
            lines.append(f"{sw} dpid {self.dpid(n)} ports {ports}")
            lines += [f"  {f}" for f in self.flows(n)]
        for s in self.servers:
            pid = s.state / "agent.pid"
            alive = pid.exists() and Path(f"/proc/{pid.read_text()}").exists()
            lines.append(f"{s.name} pf {s.pf} uplink {s.uplink} agent {'running' if alive else 'stopped'}")
        if (self.state / "netcfg.json").exists():
            lines.append(f"netcfg {self.state / 'netcfg.json'}")
        return "\n".join(lines)


def parse_controller(text):
    """'remote,ip=ADDR[,port=P]' as mn takes it -> (ADDR, P)."""
    fields = text.split(",")
    if fields[0] != "remote":
        raise argparse.ArgumentTypeError("expected remote,ip=ADDR[,port=P]")
    opts = dict(f.split("=", 1) for f in fields[1:] if "=" in f)
    if "ip" not in opts or not opts.get("port", "6653").isdigit():
        raise argparse.ArgumentTypeError("expected remote,ip=ADDR[,port=P]")
    return opts["ip"], int(opts.get("port", "6653"))


def main(argv=None):
    p = argparse.ArgumentParser(prog="fabric.py", description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--id", default=os.environ.get("MT_LAB_ID") or "fab")
    p.add_argument("--controller", type=parse_controller, help="remote,ip=ADDR[,port=P]: ONOS programs the switches")
    p.add_argument("--agent-host", default="127.0.0.1", help="address the agents listen on (ONOS must reach it)")
    args = p.parse_args(argv)
    try:
        fabric = Fabric(args.id, controller=args.controller, agent_host=args.agent_host)
    except ValueError as e:
        print(f"fabric: {e}", file=sys.stderr)
        return 2
    if args.action == "up":
        try:
            fabric.up()
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            print(f"fabric: {e}", file=sys.stderr)
            return 1
        print(fabric.status())
        print(f"ONOS network config: {fabric.state / 'netcfg.json'}")
        if fabric.controller is None:
            print(f"stand-in controller: {fabric.state / 'control.sock'} (log {fabric.state / 'controller.out'})")
    elif args.action == "down":
        fabric.down()
        left = fabric.leftovers()
        if left:
            print("left behind: " + ", ".join(left), file=sys.stderr)
            return 1
    else:
        print(fabric.status())
    return 0


if __name__ == "__main__":
    sys.exit(main())
