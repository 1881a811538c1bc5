package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A resolved source as JSON: the agent, the watched port (namespace and name) and the tunnel VF.
 */
public final class TapPointCodec extends JsonCodec<TapPoint> {
    private static final String AGENT = "agent";
    private static final String NETNS = "netns";
    private static final String IFNAME = "ifname";
    private static final String TUNNEL = "tunnel";

    @Override
    public ObjectNode encode(TapPoint point, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode().put(AGENT, point.agentId()).put(NETNS, point.netns())
                .put(IFNAME, point.ifname());
        json.set(TUNNEL, context.codec(VfId.class).encode(point.tunnel(), context));
        return json;
    }

    @Override
    public TapPoint decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(AGENT, NETNS, IFNAME, TUNNEL));
        return new TapPoint(f.requiredText(AGENT), f.text(NETNS).orElse(""), f.requiredText(IFNAME),
                JsonFields.required(f.decoded(TUNNEL, VfId.class, context), TUNNEL));
    }
}
