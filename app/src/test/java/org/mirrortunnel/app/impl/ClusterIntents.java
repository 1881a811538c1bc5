package org.mirrortunnel.app.impl;

import org.onosproject.core.ApplicationId;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentEvent;
import org.onosproject.net.intent.IntentListener;
import org.onosproject.net.intent.IntentServiceAdapter;
import org.onosproject.net.intent.IntentState;
import org.onosproject.net.intent.Key;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * ONOS's intent store as the nodes of a cluster share it: intents by key with their state, each request
 * applied at once (a submitted intent is INSTALLED, a withdrawn one WITHDRAWN until purged), and a log of
 * every request as "node submit|withdraw|purge key". Each node talks to it through {@link #node(String)}.
 */
public final class ClusterIntents {
    private final Map<Key, Intent> intents = new ConcurrentHashMap<>();
    private final Map<Key, IntentState> states = new ConcurrentHashMap<>();
    private final Queue<String> log = new ConcurrentLinkedQueue<>();
    private final List<IntentListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean logging = true;

    /**
     * Returns one node's intent service.
     *
     * @param nodeName the node, as it appears in the log
     * @return intent service
     */
    public NodeIntents node(String nodeName) {
        return new NodeIntents(nodeName);
    }

    /**
     * Returns the intents that are not withdrawn, by key.
     *
     * @return intents by key text
     */
    public Map<String, Intent> installed() {
        Map<String, Intent> live = new LinkedHashMap<>();
        intents.forEach((k, i) -> {
            if (states.get(k) != IntentState.WITHDRAWN) {
                live.put(k.toString(), i);
            }
        });
        return live;
    }

    /**
     * Returns every request so far, oldest first.
     *
     * @return "node op key" lines
     */
    public List<String> log() {
        return List.copyOf(log);
    }

    /**
     * Returns the requests of one kind, as "node key".
     *
     * @param op submit, withdraw or purge
     * @return "node key" lines
     */
    public List<String> requests(String op) {
        return log.stream().map(l -> l.split(" ")).filter(p -> p[1].equals(op)).map(p -> p[0] + " " + p[2])
                .collect(Collectors.toList());
    }

    /** Forgets the log (the intents stay). */
    public void clearLog() {
        log.clear();
    }

    /**
     * Stops or starts logging requests: a benchmark's millions of requests would otherwise stay in memory and
     * charge the garbage collector's work on them to the app.
     *
     * @param on whether to log
     */
    public void logRequests(boolean on) {
        logging = on;
    }

    private void record(String nodeName, String op, Key key) {
        if (logging) {
            log.add(nodeName + " " + op + " " + key);
        }
    }

    /** One node's view: the shared intents, its requests logged under its name. */
    public final class NodeIntents extends IntentServiceAdapter {
        private final String nodeName;

        private NodeIntents(String nodeName) {
            this.nodeName = nodeName;
        }

        /**
         * Returns the cluster's intents this view belongs to.
         *
         * @return shared intents
         */
        public ClusterIntents cluster() {
            return ClusterIntents.this;
        }

        @Override
        public void submit(Intent intent) {
            record(nodeName, "submit", intent.key());
            intents.put(intent.key(), intent);
            states.put(intent.key(), IntentState.INSTALLED);
        }

        @Override
        public void withdraw(Intent intent) {
            record(nodeName, "withdraw", intent.key());
            if (intents.containsKey(intent.key())) {
                states.put(intent.key(), IntentState.WITHDRAWN);
                IntentEvent event = new IntentEvent(IntentEvent.Type.WITHDRAWN, intents.get(intent.key()));
                listeners.forEach(l -> l.event(event));
            }
        }

        @Override
        public void purge(Intent intent) {
            record(nodeName, "purge", intent.key());
            if (states.get(intent.key()) == IntentState.WITHDRAWN) {
                intents.remove(intent.key());
                states.remove(intent.key());
            }
        }

        @Override
        public Intent getIntent(Key key) {
            return intents.get(key);
        }

        @Override
        public IntentState getIntentState(Key key) {
            return states.get(key);
        }

        @Override
        public Iterable<Intent> getIntents() {
            return new ArrayList<>(intents.values());
        }

        @Override
        public Iterable<Intent> getIntentsByAppId(ApplicationId id) {
            return intents.values().stream().filter(i -> i.appId().equals(id)).collect(Collectors.toList());
        }

        @Override
        public void addListener(IntentListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(IntentListener listener) {
            listeners.remove(listener);
        }
    }
}
