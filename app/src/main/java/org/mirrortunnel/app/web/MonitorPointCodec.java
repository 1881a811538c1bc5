package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A resolved monitor as JSON: the agent and the monitor VF.
 */
public final class MonitorPointCodec extends JsonCodec<MonitorPoint> {
    private static final String AGENT = "agent";
    private static final String VF = "vf";

    @Override
    public ObjectNode encode(MonitorPoint point, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode().put(AGENT, point.agentId());
        json.set(VF, context.codec(VfId.class).encode(point.vf(), context));
        return json;
    }

    @Override
    public MonitorPoint decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(AGENT, VF));
        return new MonitorPoint(f.requiredText(AGENT), JsonFields.required(f.decoded(VF, VfId.class, context), VF));
    }
}
