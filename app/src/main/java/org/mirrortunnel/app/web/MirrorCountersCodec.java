package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorCounters;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * TAP counters as JSON: packets seen, mirrored, left out by the filter, left out by sampling, failed copies.
 */
public final class MirrorCountersCodec extends JsonCodec<MirrorCounters> {
    private static final String SEEN = "seen";
    private static final String MIRRORED = "mirrored";
    private static final String FILTERED = "filtered";
    private static final String SAMPLED = "sampled";
    private static final String ERRORS = "errors";

    @Override
    public ObjectNode encode(MirrorCounters c, CodecContext context) {
        return context.mapper().createObjectNode().put(SEEN, c.seen()).put(MIRRORED, c.mirrored())
                .put(FILTERED, c.filtered()).put(SAMPLED, c.sampled()).put(ERRORS, c.errors());
    }

    @Override
    public MirrorCounters decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(SEEN, MIRRORED, FILTERED, SAMPLED, ERRORS));
        return new MirrorCounters(f.count(SEEN), f.count(MIRRORED), f.count(FILTERED), f.count(SAMPLED),
                f.count(ERRORS));
    }
}
