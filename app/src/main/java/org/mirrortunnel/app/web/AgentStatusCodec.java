package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A host agent as JSON: identity and address, the ONOS node that programs it, its health (connected and the
 * last error) and its capabilities (version, NIC driver, VF inventory).
 */
public final class AgentStatusCodec extends JsonCodec<AgentStatus> {
    private static final String ID = "id";
    private static final String ADDRESS = "address";
    private static final String OWNER = "owner";
    private static final String CONNECTED = "connected";
    private static final String MESSAGE = "message";
    private static final String VERSION = "version";
    private static final String NIC_DRIVER = "nicDriver";
    private static final String VFS = "vfs";

    @Override
    public ObjectNode encode(AgentStatus agent, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode().put(ID, agent.agentId()).put(ADDRESS, agent.address())
                .put(OWNER, agent.owner()).put(CONNECTED, agent.connected()).put(MESSAGE, agent.message())
                .put(VERSION, agent.version()).put(NIC_DRIVER, agent.nicDriver());
        json.set(VFS, context.codec(AgentVf.class).encode(agent.vfs(), context));
        return json;
    }

    @Override
    public AgentStatus decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(ID, ADDRESS, OWNER, CONNECTED, MESSAGE, VERSION, NIC_DRIVER, VFS));
        return new AgentStatus(f.requiredText(ID), f.requiredText(ADDRESS), f.text(OWNER).orElse(""),
                f.bool(CONNECTED), f.text(VERSION).orElse(""), f.text(NIC_DRIVER).orElse(""),
                f.list(VFS, e -> JsonFields.decode(context, AgentVf.class, e.object(), e.path())),
                f.text(MESSAGE).orElse(""));
    }
}
