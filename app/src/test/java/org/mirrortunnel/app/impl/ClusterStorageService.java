package org.mirrortunnel.app.impl;

import org.onosproject.store.primitives.ConsistentMapBackedJavaMap;
import org.onosproject.store.service.AsyncConsistentMap;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.ConsistentMapAdapter;
import org.onosproject.store.service.ConsistentMapBuilder;
import org.onosproject.store.service.EventuallyConsistentMap;
import org.onosproject.store.service.EventuallyConsistentMapAdapter;
import org.onosproject.store.service.EventuallyConsistentMapBuilder;
import org.onosproject.store.service.EventuallyConsistentMapEvent;
import org.onosproject.store.service.EventuallyConsistentMapListener;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.MapEventListener;
import org.onosproject.store.service.TestEventuallyConsistentMap;
import org.onosproject.store.service.TestStorageService;
import org.onosproject.store.service.Versioned;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import static org.onosproject.store.service.EventuallyConsistentMapEvent.Type.PUT;
import static org.onosproject.store.service.EventuallyConsistentMapEvent.Type.REMOVE;

/**
 * ONOS's test storage as a cluster would see it: every store instance built on this service gets the same map
 * for the same name, as the nodes of a cluster do. Consistent maps apply each conditional operation atomically
 * and deliver their events in the order of the changes, as Atomix does; test storage's own maps do neither.
 */
public final class ClusterStorageService extends TestStorageService {
    private final Map<String, ConsistentMap<?, ?>> consistentMaps = new ConcurrentHashMap<>();
    private final Map<String, EventuallyConsistentMap<?, ?>> eventualMaps = new ConcurrentHashMap<>();
    private final LongAdder consistentWrites = new LongAdder();

    /**
     * Returns how many changes the consistent maps have seen: each is a replicated write in a cluster.
     *
     * @return changes so far
     */
    public long consistentWrites() {
        return consistentWrites.sum();
    }

    /**
     * Returns how many entries the eventually consistent maps hold.
     *
     * @return entries
     */
    public int eventualEntries() {
        return eventualMaps.values().stream().mapToInt(EventuallyConsistentMap::size).sum();
    }

    @Override
    public <K, V> ConsistentMapBuilder<K, V> consistentMapBuilder() {
        return new ConsistentMapBuilder<>() {
            @Override
            @SuppressWarnings("unchecked")
            public ConsistentMap<K, V> build() {
                return (ConsistentMap<K, V>) consistentMaps.computeIfAbsent(name(),
                        n -> new AtomicMap<>(n, consistentWrites));
            }

            @Override
            public AsyncConsistentMap<K, V> buildAsyncMap() {
                throw new UnsupportedOperationException("async maps");
            }
        };
    }

    @Override
    public <K, V> EventuallyConsistentMapBuilder<K, V> eventuallyConsistentMapBuilder() {
        return new TestEventuallyConsistentMap.Builder<>() {
            private String name;

            @Override
            public EventuallyConsistentMapBuilder<K, V> withName(String mapName) {
                this.name = mapName;
                return this;
            }

            @Override
            @SuppressWarnings("unchecked")
            public EventuallyConsistentMap<K, V> build() {
                return (EventuallyConsistentMap<K, V>) eventualMaps.computeIfAbsent(Objects.requireNonNull(name),
                        n -> new EventualMap<>());
            }
        };
    }

    /** A consistent map on one lock; events queue under it and are delivered in order, outside it. */
    private static final class AtomicMap<K, V> extends ConsistentMapAdapter<K, V> {
        private final String name;
        private final Map<K, Versioned<V>> map = new ConcurrentHashMap<>();
        private final List<MapEventListener<K, V>> listeners = new CopyOnWriteArrayList<>();
        private final Queue<MapEvent<K, V>> events = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean delivering = new AtomicBoolean();
        private final LongAdder writes;
        private long version;

        AtomicMap(String name, LongAdder writes) {
            this.name = name;
            this.writes = writes;
        }

        @Override
        public String name() {
            return name;
        }

        /** Applies a change: the new value (null to remove) computed from the current one, null for none. */
        private Versioned<V> change(K key, java.util.function.Function<Versioned<V>, Versioned<V>> next,
                                    boolean returnNew) {
            Versioned<V> before;
            Versioned<V> after;
            synchronized (this) {
                before = map.get(key);
                after = next.apply(before);
                if (after != before) {
                    if (after == null) {
                        map.remove(key);
                    } else {
                        after = new Versioned<>(after.value(), ++version, System.currentTimeMillis());
                        map.put(key, after);
                    }
                    events.add(new MapEvent<>(name, key, after, before));
                    writes.increment();
                }
            }
            deliver();
            return returnNew ? after : before;
        }

        /** Delivers queued events in order; a thread that finds another delivering leaves the work to it. */
        private void deliver() {
            while (!events.isEmpty() && delivering.compareAndSet(false, true)) {
                try {
                    for (MapEvent<K, V> e = events.poll(); e != null; e = events.poll()) {
                        for (MapEventListener<K, V> l : listeners) {
                            l.event(e);
                        }
                    }
                } finally {
                    delivering.set(false);
                }
            }
        }

        private static <V> Versioned<V> of(V value) {
            return new Versioned<>(value, 0);
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public boolean containsKey(K key) {
            return map.containsKey(key);
        }

        @Override
        public Versioned<V> get(K key) {
            return map.get(key);
        }

        @Override
        public Versioned<V> put(K key, V value) {
            return change(key, v -> of(value), false);
        }

        @Override
        public Versioned<V> putIfAbsent(K key, V value) {
            return change(key, v -> v == null ? of(value) : v, false);
        }

        @Override
        public Versioned<V> remove(K key) {
            return change(key, v -> null, false);
        }

        @Override
        public boolean remove(K key, V value) {
            boolean[] done = new boolean[1];
            change(key, v -> {
                done[0] = v != null && v.value().equals(value);
                return done[0] ? null : v;
            }, false);
            return done[0];
        }

        @Override
        public boolean remove(K key, long expected) {
            boolean[] done = new boolean[1];
            change(key, v -> {
                done[0] = v != null && v.version() == expected;
                return done[0] ? null : v;
            }, false);
            return done[0];
        }

        @Override
        public Versioned<V> replace(K key, V value) {
            return change(key, v -> v == null ? null : of(value), false);
        }

        @Override
        public boolean replace(K key, long expected, V value) {
            boolean[] done = new boolean[1];
            change(key, v -> {
                done[0] = v != null && v.version() == expected;
                return done[0] ? of(value) : v;
            }, false);
            return done[0];
        }

        @Override
        public Versioned<V> computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
            return change(key, v -> {
                if (v == null) {
                    return null;
                }
                V value = remapping.apply(key, v.value());
                return value == null ? null : of(value);
            }, true);
        }

        @Override
        public Set<K> keySet() {
            return Set.copyOf(map.keySet());
        }

        @Override
        public Collection<Versioned<V>> values() {
            return List.copyOf(map.values());
        }

        @Override
        public Set<Map.Entry<K, Versioned<V>>> entrySet() {
            return map.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).collect(Collectors.toSet());
        }

        @Override
        public void addListener(MapEventListener<K, V> listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(MapEventListener<K, V> listener) {
            listeners.remove(listener);
        }

        @Override
        public Map<K, V> asJavaMap() {
            return new ConsistentMapBackedJavaMap<>(this);
        }
    }

    /** An eventually consistent map every node sees at once, with its events. */
    private static final class EventualMap<K, V> extends EventuallyConsistentMapAdapter<K, V> {
        private final Map<K, V> map = new ConcurrentHashMap<>();
        private final List<EventuallyConsistentMapListener<K, V>> listeners = new CopyOnWriteArrayList<>();

        private void notify(EventuallyConsistentMapEvent.Type type, K key, V value) {
            EventuallyConsistentMapEvent<K, V> event = new EventuallyConsistentMapEvent<>("", type, key, value);
            listeners.forEach(l -> l.event(event));
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public V get(K key) {
            return map.get(key);
        }

        @Override
        public void put(K key, V value) {
            map.put(key, value);
            notify(PUT, key, value);
        }

        @Override
        public V remove(K key) {
            V value = map.remove(key);
            if (value != null) {
                notify(REMOVE, key, value);
            }
            return value;
        }

        @Override
        public void addListener(EventuallyConsistentMapListener<K, V> listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(EventuallyConsistentMapListener<K, V> listener) {
            listeners.remove(listener);
        }
    }
}
