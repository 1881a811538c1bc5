package org.mirrortunnel.fabric;

import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.core.DefaultApplicationId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** ONOS's application ids: one per name, numbered in the order the names register, as the core hands them out. */
final class AppIds extends CoreServiceAdapter {
    private final Map<String, ApplicationId> ids = new ConcurrentHashMap<>();

    @Override
    public synchronized ApplicationId registerApplication(String name) {
        return ids.computeIfAbsent(name, n -> new DefaultApplicationId(ids.size() + 1, n));
    }

    @Override
    public ApplicationId getAppId(String name) {
        return ids.get(name);
    }
}
