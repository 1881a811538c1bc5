package org.mirrortunnel.agent.core;

import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mirrortunnel.agent.api.v1.BindingStats;
import org.mirrortunnel.agent.api.v1.GetStatsResponse;
import org.mirrortunnel.agent.api.v1.MonitorPort;
import org.mirrortunnel.agent.api.v1.TapCounters;
import org.mirrortunnel.agent.api.v1.VfCounters;
import org.mirrortunnel.agent.exec.ExecException;
import org.mirrortunnel.agent.nic.NicDriver;
import org.mirrortunnel.agent.nic.VfId;
import org.mirrortunnel.agent.tap.TapDriver;

/** Counters per binding (TAP sessions summed over its ports, tunnel and monitor VFs) and per host. */
public final class StatsCollector {
    private final BindingManager bindings;
    private final NicDriver nic;
    private final TapDriver tap;

    public StatsCollector(BindingManager bindings, NicDriver nic, TapDriver tap) {
        this.bindings = bindings;
        this.nic = nic;
        this.tap = tap;
    }

    /** All applied bindings, or the one named by id ("" = all). */
    public GetStatsResponse collect(String id) {
        List<Entry> list;
        if (id.isEmpty()) {
            list = bindings.entries();
        } else {
            Validator.checkId("id", id);
            Entry e = bindings.entry(id);
            if (e == null || e.binding() == null) {
                throw Status.NOT_FOUND.withDescription("binding '" + id + "' not found").asRuntimeException();
            }
            list = List.of(e);
        }
        GetStatsResponse.Builder r = GetStatsResponse.newBuilder();
        TapCounters host = TapCounters.getDefaultInstance();
        // A monitor VF serves many bindings: read each VF once per call.
        Map<VfId, VfCounters> vfs = new HashMap<>();
        for (Entry e : list) {
            if (e.binding() == null) {
                continue;
            }
            BindingStats s = e.applied() ? of(e, vfs)
                    : BindingStats.newBuilder().setId(e.id()).setState(bindings.status(e.id()).getState()).build();
            host = add(host, s.getTap());
            r.addBindings(s);
        }
        return r.setHostTap(host).build();
    }

    private BindingStats of(Entry e, Map<VfId, VfCounters> vfs) {
        try {
            BindingStats.Builder s = BindingStats.newBuilder().setId(e.id())
                    .setState(bindings.status(e.id()).getState());
            TapCounters sum = TapCounters.getDefaultInstance();
            for (Owned.TapClaim c : e.owned().taps()) {
                sum = add(sum, tap.stats(c.netns(), c.dev(), c.session()));
            }
            s.setTap(sum);
            for (VfId t : Planner.tunnelsOf(e.binding())) {
                s.addTunnels(vfs.computeIfAbsent(t, nic::stats));
            }
            for (MonitorPort m : e.binding().getMonitorsList()) {
                s.addMonitors(vfs.computeIfAbsent(VfId.of(m.getVf()), nic::stats));
            }
            return s.build();
        } catch (ExecException x) {
            throw Status.INTERNAL.withDescription("counters of binding '" + e.id() + "': " + x.getMessage())
                    .asRuntimeException();
        }
    }

    private static TapCounters add(TapCounters a, TapCounters b) {
        return TapCounters.newBuilder().setSeen(a.getSeen() + b.getSeen()).setMirrored(a.getMirrored() + b.getMirrored())
                .setFiltered(a.getFiltered() + b.getFiltered()).setSampled(a.getSampled() + b.getSampled())
                .setErrors(a.getErrors() + b.getErrors()).build();
    }
}
