package org.mirrortunnel.app.web;

import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.codec.CodecService;
import org.onosproject.codec.JsonCodec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import java.util.Map;

/**
 * Registers the JSON codecs of the mirror model with ONOS's codec service, for the REST API and the CLI.
 */
@Component(immediate = true)
public class MirrorCodecRegistrator {
    /** The codecs, by the type they encode. */
    static final Map<Class<?>, JsonCodec<?>> CODECS = Map.of(
            MirrorSession.class, new MirrorSessionCodec(),
            MirrorFilter.class, new MirrorFilterCodec(),
            HostState.class, new HostStateCodec(),
            MirrorCounters.class, new MirrorCountersCodec(),
            TapPoint.class, new TapPointCodec(),
            MonitorPoint.class, new MonitorPointCodec(),
            AgentStatus.class, new AgentStatusCodec(),
            AgentVf.class, new AgentVfCodec(),
            VfId.class, new VfIdCodec());

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected CodecService codecService;

    @Activate
    protected void activate() {
        CODECS.forEach(this::register);
    }

    @Deactivate
    protected void deactivate() {
        CODECS.keySet().forEach(codecService::unregisterCodec);
    }

    @SuppressWarnings("unchecked")
    private <T> void register(Class<?> type, JsonCodec<?> codec) {
        codecService.registerCodec((Class<T>) type, (JsonCodec<T>) codec);
    }
}
