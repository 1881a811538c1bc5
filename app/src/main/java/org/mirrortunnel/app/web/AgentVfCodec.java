package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * An agent's VF as JSON: the VF, its role (TUNNEL or MONITOR), its netdev's namespace and name, its MAC.
 */
public final class AgentVfCodec extends JsonCodec<AgentVf> {
    private static final String VF = "vf";
    private static final String ROLE = "role";
    private static final String NETNS = "netns";
    private static final String IFNAME = "ifname";
    private static final String MAC = "mac";

    @Override
    public ObjectNode encode(AgentVf vf, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode();
        json.set(VF, context.codec(VfId.class).encode(vf.vf(), context));
        return json.put(ROLE, vf.role().name()).put(NETNS, vf.netns()).put(IFNAME, vf.ifname()).put(MAC, vf.mac());
    }

    @Override
    public AgentVf decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(VF, ROLE, NETNS, IFNAME, MAC));
        return new AgentVf(JsonFields.required(f.decoded(VF, VfId.class, context), VF),
                JsonFields.required(f.choice(ROLE, AgentVf.Role.class), ROLE), f.text(NETNS).orElse(""),
                f.requiredText(IFNAME), f.text(MAC).orElse(""));
    }
}
