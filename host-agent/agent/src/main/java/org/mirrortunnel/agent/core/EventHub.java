package org.mirrortunnel.agent.core;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mirrortunnel.agent.api.v1.AgentEvent;
import org.mirrortunnel.agent.api.v1.BindingStatus;
import org.mirrortunnel.agent.api.v1.LinkEvent;
import org.mirrortunnel.agent.api.v1.VfRef;

/** Fans agent events out to the WatchEvents streams. A subscriber that throws is dropped. */
public final class EventHub {
    private final List<Consumer<AgentEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** Adds a subscriber; run the returned action to remove it. */
    public Runnable subscribe(Consumer<AgentEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void binding(BindingStatus status) {
        publish(AgentEvent.newBuilder().setBinding(status));
    }

    public void link(VfRef tunnel, boolean carrier) {
        publish(AgentEvent.newBuilder().setLink(LinkEvent.newBuilder().setTunnel(tunnel).setCarrier(carrier)));
    }

    public void error(String message) {
        publish(AgentEvent.newBuilder().setError(message));
    }

    static AgentEvent stamp(AgentEvent.Builder event) {
        Instant now = Instant.now();
        return event.setTimeUnixNanos(now.getEpochSecond() * 1_000_000_000L + now.getNano()).build();
    }

    private void publish(AgentEvent.Builder event) {
        AgentEvent e = stamp(event);
        for (Consumer<AgentEvent> s : subscribers) {
            try {
                s.accept(e);
            } catch (RuntimeException gone) {
                subscribers.remove(s);
            }
        }
    }
}
