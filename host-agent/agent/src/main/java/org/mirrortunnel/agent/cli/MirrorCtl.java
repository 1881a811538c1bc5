package org.mirrortunnel.agent.cli;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.AgentInfo;
import org.mirrortunnel.agent.api.v1.ApplyBindingRequest;
import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.GetInfoRequest;
import org.mirrortunnel.agent.api.v1.GetStatsRequest;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.MirrorAgentGrpc;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.PfInfo;
import org.mirrortunnel.agent.api.v1.RemoveBindingRequest;
import org.mirrortunnel.agent.api.v1.SetEnabledRequest;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.SyncBindingsRequest;
import org.mirrortunnel.agent.api.v1.SyncBindingsResponse;
import org.mirrortunnel.agent.api.v1.TapAt;
import org.mirrortunnel.agent.api.v1.VfInfo;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.agent.api.v1.VfRole;
import org.mirrortunnel.agent.api.v1.WatchEventsRequest;
import org.mirrortunnel.agent.grpc.TlsFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * mirrorctl: command-line client of the agent API. Human output by default, --json for protobuf JSON.
 * TLS material comes from options or MIRRORCTL_CA / MIRRORCTL_CERT / MIRRORCTL_KEY.
 */
@Command(name = "mirrorctl", mixinStandardHelpOptions = true, version = "mirrorctl 0.1.0",
        description = "Drives a Mirror Tunnel host agent.",
        subcommands = {MirrorCtl.Info.class, MirrorCtl.Apply.class, MirrorCtl.Sync.class, MirrorCtl.Remove.class,
            MirrorCtl.ListCmd.class, MirrorCtl.Enable.class, MirrorCtl.Disable.class, MirrorCtl.Stats.class,
            MirrorCtl.Watch.class})
public final class MirrorCtl {
    @Option(names = {"-a", "--agent"}, defaultValue = "${env:MIRRORCTL_AGENT:-127.0.0.1:50051}",
            description = "agent address host:port (default ${DEFAULT-VALUE})")
    String agent;
    @Option(names = "--ca", defaultValue = "${env:MIRRORCTL_CA}", description = "CA certificate of the agent")
    String ca;
    @Option(names = "--cert", defaultValue = "${env:MIRRORCTL_CERT}", description = "client certificate")
    String cert;
    @Option(names = "--key", defaultValue = "${env:MIRRORCTL_KEY}", description = "client key (PKCS#8 PEM)")
    String key;
    @Option(names = "--plaintext", description = "no TLS (an agent configured for plaintext on loopback)")
    boolean plaintext;
    @Option(names = {"-j", "--json"}, description = "print protobuf JSON")
    boolean json;
    @Option(names = "--timeout", defaultValue = "30", description = "seconds per call (default ${DEFAULT-VALUE})")
    int timeout;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new MirrorCtl());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof StatusRuntimeException s) {
                cmd.getErr().println("mirrorctl: " + s.getStatus().getCode() + ": " + s.getStatus().getDescription());
                return 1;
            }
            cmd.getErr().println("mirrorctl: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    ManagedChannel channel() throws IOException {
        ChannelCredentials creds;
        if (plaintext) {
            creds = TlsFiles.plaintextClient();
        } else {
            if (ca == null) {
                throw new IllegalArgumentException("--ca (or MIRRORCTL_CA) is required unless --plaintext");
            }
            creds = TlsFiles.client(ca, cert, key);
        }
        return Grpc.newChannelBuilder(agent, creds).build();
    }

    /** Runs one call with a fresh channel and prints its answer. */
    abstract static class Call implements Callable<Integer> {
        @ParentCommand
        MirrorCtl top;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) throws IOException;

        abstract void human(PrintWriter out, Message answer);

        @Override
        public Integer call() throws IOException, InterruptedException {
            ManagedChannel ch = top.channel();
            try {
                Message answer = call(MirrorAgentGrpc.newBlockingStub(ch).withDeadlineAfter(top.timeout, TimeUnit.SECONDS));
                PrintWriter out = spec.commandLine().getOut();
                if (top.json) {
                    out.println(JsonFormat.printer().print(answer));
                } else {
                    human(out, answer);
                }
                out.flush();
                return 0;
            } finally {
                ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Command(name = "info", description = "who the agent is, its NIC, VFs and limits")
    static final class Info extends Call {
        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) {
            return stub.getInfo(GetInfoRequest.getDefaultInstance());
        }

        @Override
        void human(PrintWriter out, Message answer) {
            AgentInfo i = (AgentInfo) answer;
            out.printf("agent %s version %s nic %s tap %s bindings %d%n", i.getAgentId(), i.getVersion(),
                    i.getNicDriver(), String.join(",", i.getTapKindsList()), i.getBindings());
            out.printf("limits: %d mirrored VLANs per VF, %d VLANs per binding, %d sessions per port%n",
                    i.getLimits().getMaxVlanMirrorPerVf(), i.getLimits().getMaxVlansPerBinding(),
                    i.getLimits().getMaxSessionsPerPort());
            for (PfInfo pf : i.getPfsList()) {
                out.printf("pf %s (%s)%n", pf.getName(), pf.getDriver());
                for (VfInfo vf : pf.getVfsList()) {
                    out.printf("  vf %d %s netns %s ifname %s mac %s link_state %s loopback %s vlan_mirror %s%s%n",
                            vf.getRef().getVf(), vf.getRole() == VfRole.VF_ROLE_UNSPECIFIED ? "unused"
                                    : vf.getRole().name().toLowerCase(), blank(vf.getNetns()), blank(vf.getIfname()),
                            blank(vf.getMac()), vf.getLinkState(), vf.getLoopback() ? "on" : "off",
                            blank(vf.getVlanMirror()), vf.getDiscovered() ? "" : " (not on the NIC)");
                }
            }
        }
    }

    @Command(name = "apply", description = "create or replace a binding, from options or from -f FILE (JSON)")
    static final class Apply extends Call {
        @Parameters(index = "0", arity = "0..1", description = "binding id") String id;
        @Option(names = {"-f", "--file"}, description = "binding as protobuf JSON ('-' = stdin)") String file;
        @Option(names = "--source", description = "source port [NETNS/]IFNAME") String source;
        @Option(names = "--tunnel", description = "tunnel VF PF/VF of the source") String tunnel;
        @Option(names = "--direction", defaultValue = "both", description = "rx, tx or both") String direction;
        @Option(names = "--vlan", split = ",", description = "session VLAN(s)") List<Integer> vlans = new ArrayList<>();
        @Option(names = "--monitor", description = "monitor VF PF/VF (repeatable)") List<String> monitors = new ArrayList<>();
        @Option(names = "--remote", description = "copies leave the uplink (loopback off)") boolean remote;
        @Option(names = "--disabled", description = "apply switched off") boolean disabled;
        @Option(names = "--sample", defaultValue = "0", description = "mirror 1 in N") int sample;
        @Option(names = "--snaplen", defaultValue = "0", description = "cut copies to N bytes") int snaplen;
        @Option(names = "--src", defaultValue = "", description = "source prefix") String src;
        @Option(names = "--dst", defaultValue = "", description = "destination prefix") String dst;
        @Option(names = "--proto", defaultValue = "0", description = "IP protocol number") int proto;
        @Option(names = "--sport", defaultValue = "0") int sport;
        @Option(names = "--dport", defaultValue = "0") int dport;
        @Option(names = "--net", defaultValue = "", description = "prefix of the source or the destination")
        String net;
        @Option(names = "--port", defaultValue = "0", description = "source or destination port") int port;
        @Option(names = "--tap-at", defaultValue = "front",
                description = "front (the NSF's interface) or back (the host side of its veth)") String tapAt;

        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) throws IOException {
            return stub.applyBinding(ApplyBindingRequest.newBuilder().setBinding(binding()).build());
        }

        private Binding binding() throws IOException {
            if (file != null) {
                Binding.Builder b = Binding.newBuilder();
                JsonFormat.parser().merge(read(file), b);
                return b.build();
            }
            if (id == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a binding id (or -f FILE) is required");
            }
            Binding.Builder b = Binding.newBuilder().setId(id).addAllVlans(vlans).setRemoteDelivery(remote)
                    .setEnabled(!disabled).setSampleEvery(sample).setSnaplen(snaplen)
                    .setDirection(Direction.valueOf(direction.toUpperCase())).setTapAt(tapAt())
                    .setFilter(Filter.newBuilder().setSrcPrefix(src).setDstPrefix(dst).setIpProtocol(proto)
                            .setSrcPort(sport).setDstPort(dport).setPrefix(net).setPort(port));
            if (source != null) {
                int slash = source.lastIndexOf('/');
                b.addSources(SourcePort.newBuilder().setNetns(slash < 0 ? "" : source.substring(0, slash))
                        .setIfname(source.substring(slash + 1)).setTunnel(vf(tunnel == null ? "" : tunnel)));
            }
            monitors.forEach(m -> b.addMonitors(MonitorPort.newBuilder().setVf(vf(m))));
            return b.build();
        }

        private TapAt tapAt() {
            return switch (tapAt) {
                case "front" -> TapAt.FRONT_END;
                case "back" -> TapAt.BACK_END;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--tap-at: front or back, not '" + tapAt + "'");
            };
        }

        private VfRef vf(String text) {
            int slash = text.lastIndexOf('/');
            try {
                return VfRef.newBuilder().setPf(text.substring(0, slash)).setVf(Integer.parseInt(text.substring(slash + 1)))
                        .build();
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "expected PF/VF, not '" + text + "'");
            }
        }

        @Override
        void human(PrintWriter out, Message answer) {
            printStatus(out, (BindingStatus) answer);
        }
    }

    @Command(name = "sync", description = "make the bindings in FILE ({\"bindings\":[...]}) the whole desired set")
    static final class Sync extends Call {
        @Parameters(index = "0", description = "SyncBindingsRequest as protobuf JSON ('-' = stdin)") String file;

        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) throws IOException {
            SyncBindingsRequest.Builder r = SyncBindingsRequest.newBuilder();
            JsonFormat.parser().merge(read(file), r);
            return stub.syncBindings(r.build());
        }

        @Override
        void human(PrintWriter out, Message answer) {
            SyncBindingsResponse r = (SyncBindingsResponse) answer;
            r.getAppliedList().forEach(s -> printStatus(out, s));
            r.getRemovedList().forEach(id -> out.printf("%s removed%n", id));
        }
    }

    @Command(name = "remove", description = "remove a binding and everything the agent made for it")
    static final class Remove extends Call {
        @Parameters(index = "0") String id;

        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) {
            return stub.removeBinding(RemoveBindingRequest.newBuilder().setId(id).build());
        }

        @Override
        void human(PrintWriter out, Message answer) {
            out.printf("%s removed%n", id);
        }
    }

    @Command(name = "list", description = "bindings and their state")
    static final class ListCmd extends Call {
        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) {
            return stub.getStats(GetStatsRequest.getDefaultInstance());
        }

        @Override
        void human(PrintWriter out, Message answer) {
            for (BindingStats s : ((GetStatsResponse) answer).getBindingsList()) {
                out.printf("%s %s%n", s.getId(), s.getState().name().toLowerCase());
            }
        }
    }

    /** enable and disable: the binding's tunnel VF link state. */
    abstract static class Switch extends Call {
        @Parameters(index = "0") String id;

        abstract boolean on();

        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) {
            return stub.setEnabled(SetEnabledRequest.newBuilder().setId(id).setEnabled(on()).build());
        }

        @Override
        void human(PrintWriter out, Message answer) {
            printStatus(out, (BindingStatus) answer);
        }
    }

    @Command(name = "enable", description = "switch a binding on (tunnel VF link enable)")
    static final class Enable extends Switch {
        @Override
        boolean on() {
            return true;
        }
    }

    @Command(name = "disable", description = "switch a binding off (tunnel VF link disable)")
    static final class Disable extends Switch {
        @Override
        boolean on() {
            return false;
        }
    }

    @Command(name = "stats", description = "counters of one binding or of all")
    static final class Stats extends Call {
        @Parameters(index = "0", arity = "0..1", defaultValue = "") String id;

        @Override
        Message call(MirrorAgentGrpc.MirrorAgentBlockingStub stub) {
            return stub.getStats(GetStatsRequest.newBuilder().setId(id).build());
        }

        @Override
        void human(PrintWriter out, Message answer) {
            GetStatsResponse r = (GetStatsResponse) answer;
            for (BindingStats s : r.getBindingsList()) {
                out.printf("%s %s tap seen %d mirrored %d filtered %d sampled %d errors %d%n", s.getId(),
                        s.getState().name().toLowerCase(), s.getTap().getSeen(), s.getTap().getMirrored(),
                        s.getTap().getFiltered(), s.getTap().getSampled(), s.getTap().getErrors());
                s.getTunnelsList().forEach(v -> out.printf("  tunnel %s/%d tx %d rx %d%n", v.getVf().getPf(),
                        v.getVf().getVf(), v.getTxPackets(), v.getRxPackets()));
                s.getMonitorsList().forEach(v -> out.printf("  monitor %s/%d rx %d tx %d%n", v.getVf().getPf(),
                        v.getVf().getVf(), v.getRxPackets(), v.getTxPackets()));
            }
            out.printf("host tap seen %d mirrored %d%n", r.getHostTap().getSeen(), r.getHostTap().getMirrored());
        }
    }

    @Command(name = "watch", description = "print agent events as they happen")
    static final class Watch implements Callable<Integer> {
        @ParentCommand
        MirrorCtl top;
        @Option(names = "--count", defaultValue = "0", description = "stop after N events (0 = never)") int count;

        @Override
        public Integer call() throws IOException {
            ManagedChannel ch = top.channel();
            try {
                Iterator<AgentEvent> it = MirrorAgentGrpc.newBlockingStub(ch).watchEvents(WatchEventsRequest.getDefaultInstance());
                for (int n = 0; (count == 0 || n < count) && it.hasNext(); n++) {
                    AgentEvent e = it.next();
                    System.out.println(top.json ? JsonFormat.printer().omittingInsignificantWhitespace().print(e) : human(e));
                    System.out.flush();
                }
                return 0;
            } finally {
                ch.shutdownNow();
            }
        }

        private static String human(AgentEvent e) {
            return switch (e.getEventCase()) {
                case BINDING -> "binding " + e.getBinding().getId() + " " + e.getBinding().getState().name().toLowerCase()
                        + (e.getBinding().getMessage().isEmpty() ? "" : ": " + e.getBinding().getMessage());
                case LINK -> "link " + e.getLink().getTunnel().getPf() + "/" + e.getLink().getTunnel().getVf() + " carrier "
                        + (e.getLink().getCarrier() ? "up" : "down");
                case ERROR -> "error " + e.getError();
                default -> "event";
            };
        }
    }

    private static void printStatus(PrintWriter out, BindingStatus s) {
        out.printf("%s %s%s%n", s.getId(), s.getState().name().toLowerCase(),
                s.getMessage().isEmpty() ? "" : ": " + s.getMessage());
    }

    private static String read(String file) throws IOException {
        return file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
    }

    private static String blank(String s) {
        return s.isEmpty() ? "-" : s;
    }
}
