package org.mirrortunnel.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.core.CoreService;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.ConfigFactory;
import org.onosproject.net.config.NetworkConfigEvent;
import org.onosproject.net.config.NetworkConfigListener;
import org.onosproject.net.config.NetworkConfigRegistryAdapter;
import org.onosproject.net.config.basics.SubjectFactories;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * ONOS's network config registry as an app sees it: JSON uploaded the way {@code onos-netcfg} uploads it
 * ({@code {"<subjectClassKey>": {"<subjectKey>": {"<configKey>": {...}}}}}) is kept by its keys; once a component
 * has registered the factory of a config key, that JSON reads as the factory's config, checked with its
 * {@code isValid()}; listeners hear CONFIG_REGISTERED, CONFIG_ADDED and CONFIG_UPDATED as ONOS posts them.
 */
final class FabricNetworkConfig extends NetworkConfigRegistryAdapter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Where(String subjectClassKey, String subjectKey, String configKey) {
    }

    private final Map<Where, ObjectNode> json = new ConcurrentHashMap<>();
    private final Map<Class<?>, ConfigFactory<?, ?>> factories = new ConcurrentHashMap<>();
    private final List<NetworkConfigListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param core ONOS's core, which turns an "apps" subject key into the app's id
     */
    FabricNetworkConfig(CoreService core) {
        SubjectFactories.setCoreService(core);
    }

    /**
     * Takes a whole network config upload.
     *
     * @param root the uploaded JSON
     * @throws IllegalArgumentException when it is not nested as ONOS reads it, or a config is invalid
     */
    void upload(JsonNode root) {
        root.fields().forEachRemaining(subjectClass -> subjectClass.getValue().fields().forEachRemaining(
                subject -> subject.getValue().fields().forEachRemaining(config -> {
                    if (!config.getValue().isObject()) {
                        throw new IllegalArgumentException("network config " + subjectClass.getKey() + "/"
                                + subject.getKey() + "/" + config.getKey() + " is no JSON object");
                    }
                    Where where = new Where(subjectClass.getKey(), subject.getKey(), config.getKey());
                    ConfigFactory<?, ?> factory = factoryAt(where);
                    if (factory != null) {
                        check(factory, where, (ObjectNode) config.getValue());
                    }
                    boolean existed = json.put(where, (ObjectNode) config.getValue()) != null;
                    if (factory != null) {
                        post(existed ? NetworkConfigEvent.Type.CONFIG_UPDATED : NetworkConfigEvent.Type.CONFIG_ADDED,
                                factory, where);
                    }
                })));
    }

    private ConfigFactory<?, ?> factoryAt(Where where) {
        return factories.values().stream()
                .filter(f -> f.subjectFactory().subjectClassKey().equals(where.subjectClassKey())
                        && f.configKey().equals(where.configKey()))
                .findFirst().orElse(null);
    }

    private static <S, C extends Config<S>> C check(ConfigFactory<S, C> factory, Where where, ObjectNode node) {
        S subject = factory.subjectFactory().createSubject(where.subjectKey());
        C config = factory.createConfig();
        config.init(subject, where.configKey(), node, MAPPER, c -> { });
        if (!config.isValid()) {
            throw new IllegalArgumentException("network config " + where.subjectClassKey() + "/"
                    + where.subjectKey() + "/" + where.configKey() + " is invalid");
        }
        return config;
    }

    @Override
    public void registerConfigFactory(ConfigFactory configFactory) {
        factories.put(configFactory.configClass(), configFactory);
        post(NetworkConfigEvent.Type.CONFIG_REGISTERED, configFactory, null);
        json.keySet().stream().filter(w -> factoryAt(w) == configFactory)
                .forEach(w -> post(NetworkConfigEvent.Type.CONFIG_ADDED, configFactory, w));
    }

    @Override
    public void unregisterConfigFactory(ConfigFactory configFactory) {
        factories.remove(configFactory.configClass());
        post(NetworkConfigEvent.Type.CONFIG_UNREGISTERED, configFactory, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S, C extends Config<S>> C getConfig(S subject, Class<C> configClass) {
        ConfigFactory<S, C> factory = (ConfigFactory<S, C>) factories.get(configClass);
        if (factory == null) {
            return null;
        }
        Where where = new Where(factory.subjectFactory().subjectClassKey(),
                factory.subjectFactory().subjectKey(subject), factory.configKey());
        ObjectNode node = json.get(where);
        return node == null ? null : check(factory, where, node);
    }

    /** Posts an event about a factory's config, of the subject at the given place (none: the factory's). */
    private void post(NetworkConfigEvent.Type type, ConfigFactory<?, ?> factory, Where where) {
        Object subject = where == null ? null : factory.subjectFactory().createSubject(where.subjectKey());
        NetworkConfigEvent event = new NetworkConfigEvent(type, subject, factory.configClass());
        listeners.stream().filter(l -> l.isRelevant(event)).forEach(l -> l.event(event));
    }

    @Override
    public void addListener(NetworkConfigListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void removeListener(NetworkConfigListener listener) {
        listeners.remove(listener);
    }
}
