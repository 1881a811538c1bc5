package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorCounters;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * Counters as JSON: packets the TAP saw, mirrored, left out by the filter, left out by sampling, failed copies;
 * and the packets the monitor VFs received ({@code delivered}).
 */
public final class MirrorCountersCodec extends JsonCodec<MirrorCounters> {
    private static final String SEEN = "seen";
    private static final String MIRRORED = "mirrored";
    private static final String FILTERED = "filtered";
    private static final String SAMPLED = "sampled";
    private static final String ERRORS = "errors";
    private static final String DELIVERED = "delivered";

    @Override
    public ObjectNode encode(MirrorCounters c, CodecContext context) {
        return context.mapper().createObjectNode().put(SEEN, c.seen()).put(MIRRORED, c.mirrored())
                .put(FILTERED, c.filtered()).put(SAMPLED, c.sampled()).put(ERRORS, c.errors())
                .put(DELIVERED, c.delivered());
    }

    @Override
    public MirrorCounters decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(SEEN, MIRRORED, FILTERED, SAMPLED, ERRORS, DELIVERED));
        return new MirrorCounters(f.count(SEEN), f.count(MIRRORED), f.count(FILTERED), f.count(SAMPLED),
                f.count(ERRORS), f.count(DELIVERED));
    }
}
