package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.VfId;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A VF as JSON: {@code {"pf": "enp1s0f0", "index": 3}}.
 */
public final class VfIdCodec extends JsonCodec<VfId> {
    private static final String PF = "pf";
    private static final String INDEX = "index";
    private static final int MAX_INDEX = 255;

    @Override
    public ObjectNode encode(VfId vf, CodecContext context) {
        return context.mapper().createObjectNode().put(PF, vf.pf()).put(INDEX, vf.index());
    }

    @Override
    public VfId decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(PF, INDEX));
        return new VfId(f.requiredText(PF), f.integer(INDEX, -1, 0, MAX_INDEX));
    }
}
