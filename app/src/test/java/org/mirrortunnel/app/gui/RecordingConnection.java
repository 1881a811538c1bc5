package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.ui.JsonUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A GUI connection that keeps what the handlers send, as {"event", "payload"} messages.
 */
class RecordingConnection extends TestConnection {
    private final List<ObjectNode> sent = new ArrayList<>();

    @Override
    public synchronized void sendMessage(ObjectNode message) {
        sent.add(message);
    }

    /** Returns the payloads of the messages of one event, oldest first. */
    synchronized List<ObjectNode> of(String event) {
        return sent.stream().filter(m -> event.equals(JsonUtils.eventType(m)))
                .map(JsonUtils::payload).collect(Collectors.toList());
    }

    /** Forgets the messages sent so far. */
    synchronized void clear() {
        sent.clear();
    }

    /** Returns the payload of the last message of one event. */
    ObjectNode last(String event) {
        List<ObjectNode> found = of(event);
        if (found.isEmpty()) {
            throw new AssertionError("no " + event + " message sent");
        }
        return found.get(found.size() - 1);
    }
}
