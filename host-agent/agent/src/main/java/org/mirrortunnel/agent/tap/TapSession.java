package org.mirrortunnel.agent.tap;

import java.util.List;
import org.mirrortunnel.agent.api.v1.Direction;
import org.mirrortunnel.agent.api.v1.Filter;

/** One TAP session on one source port: what the TAP copies and the tunnel it sends the copies to. */
public record TapSession(String netns, String dev, int id, String tunnel, Direction direction,
        List<Integer> vlans, int sample, int snaplen, Filter filter) {
}
