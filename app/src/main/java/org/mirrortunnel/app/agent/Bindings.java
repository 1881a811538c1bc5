package org.mirrortunnel.app.agent;

import org.mirrortunnel.agent.api.v1.Binding;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.BindingState;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.SourcePort;
import org.mirrortunnel.agent.api.v1.TapAt;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.api.v1.VfRef;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;
import org.mirrortunnel.app.api.VfId;

/**
 * Translates between sessions and the agent's messages.
 */
public final class Bindings {
    private Bindings() {
    }

    /**
     * Returns a session's share of work on one host: its sources and monitors there, and whether copies
     * must leave the host (a monitor lives elsewhere, so tunnel loopback goes off).
     *
     * @param session session
     * @param agentId the host's agent
     * @return binding
     */
    public static Binding forAgent(MirrorSession session, String agentId) {
        Binding.Builder b = Binding.newBuilder()
                .setId(session.id().id())
                .setTapAt(tapAt(session.tapAt()))
                .setDirection(direction(session.direction()))
                .setFilter(filter(session.filter()))
                .setSampleEvery(session.sampleEvery())
                .setSnaplen(session.snaplen())
                .addAllVlans(session.vlans())
                .setRemoteDelivery(session.hasRemoteMonitor(agentId))
                .setEnabled(session.adminState() == AdminState.ENABLED);
        session.tapPoints().stream().filter(p -> p.agentId().equals(agentId)).forEach(p -> b.addSources(
                SourcePort.newBuilder().setNetns(p.netns()).setIfname(p.ifname()).setTunnel(vf(p.tunnel()))));
        session.monitorPoints().stream().filter(p -> p.agentId().equals(agentId))
                .forEach(p -> b.addMonitors(MonitorPort.newBuilder().setVf(vf(p.vf()))));
        return b.build();
    }

    private static VfRef vf(VfId vf) {
        return VfRef.newBuilder().setPf(vf.pf()).setVf(vf.index()).build();
    }

    private static TapAt tapAt(org.mirrortunnel.app.api.TapAt at) {
        return at == org.mirrortunnel.app.api.TapAt.BACK_END ? TapAt.BACK_END : TapAt.FRONT_END;
    }

    private static Direction direction(org.mirrortunnel.app.api.Direction d) {
        switch (d) {
            case RX:
                return Direction.RX;
            case TX:
                return Direction.TX;
            default:
                return Direction.BOTH;
        }
    }

    private static Filter filter(MirrorFilter f) {
        Filter.Builder b = Filter.newBuilder().setIpProtocol(f.ipProtocol()).setSrcPort(f.srcPort())
                .setDstPort(f.dstPort()).setPort(f.port());
        f.srcPrefix().ifPresent(p -> b.setSrcPrefix(p.toString()));
        f.dstPrefix().ifPresent(p -> b.setDstPrefix(p.toString()));
        f.prefix().ifPresent(p -> b.setPrefix(p.toString()));
        return b.build();
    }

    /**
     * Maps an agent's binding state to the session's state on that host.
     *
     * @param state the agent's state
     * @return operational state
     */
    public static OperState operState(BindingState state) {
        switch (state) {
            case ACTIVE:
                return OperState.ACTIVE;
            case DISABLED:
                return OperState.DISABLED;
            case FAILED:
                return OperState.FAILED;
            default:
                return OperState.PENDING;
        }
    }

    /**
     * Maps a binding's counters: its TAP's, and the packets its monitor VFs received as copies delivered.
     *
     * @param stats the agent's counters of one binding
     * @return counters
     */
    public static MirrorCounters counters(BindingStats stats) {
        TapCounters c = stats.getTap();
        long delivered = stats.getMonitorsList().stream().mapToLong(VfCounters::getRxPackets).sum();
        return new MirrorCounters(c.getSeen(), c.getMirrored(), c.getFiltered(), c.getSampled(), c.getErrors(),
                delivered);
    }
}
