package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.OperState;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A session's state on one host as JSON: the operational state, the agent's message and the last counters.
 */
public final class HostStateCodec extends JsonCodec<HostState> {
    private static final String STATE = "state";
    private static final String MESSAGE = "message";
    private static final String COUNTERS = "counters";

    @Override
    public ObjectNode encode(HostState state, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode().put(STATE, state.state().name())
                .put(MESSAGE, state.message());
        json.set(COUNTERS, context.codec(MirrorCounters.class).encode(state.counters(), context));
        return json;
    }

    @Override
    public HostState decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(STATE, MESSAGE, COUNTERS));
        return new HostState(JsonFields.required(f.choice(STATE, OperState.class), STATE), f.text(MESSAGE).orElse(""),
                f.decoded(COUNTERS, MirrorCounters.class, context).orElse(MirrorCounters.ZERO));
    }
}
