package org.mirrortunnel.app.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.VfId;
import org.mirrortunnel.app.store.DistributedMirrorStore;
import org.onlab.junit.TestUtils;
import org.onlab.osgi.ComponentContextAdapter;
import org.osgi.service.component.ComponentContext;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.common.event.impl.TestEventDispatcher;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.NetworkConfigRegistryAdapter;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentServiceAdapter;
import org.onosproject.net.intent.WorkPartitionServiceAdapter;
import org.onosproject.store.service.TestStorageService;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

import static org.onosproject.net.NetTestTools.injectEventDispatcher;

/**
 * A mirror manager wired to the distributed store on test storage and small adapters of the ONOS services
 * it uses, with two agents' inventories in the store and their network config.
 */
public final class MirrorTestContext {
    static final ApplicationId APP_ID = new DefaultApplicationId(7, MirrorManager.APP_NAME);

    public final DistributedMirrorStore store = new DistributedMirrorStore();
    public final MirrorManager manager = new MirrorManager();
    final RecordingIntentService intents = new RecordingIntentService();
    final TestWorkPartitionService partitions = new TestWorkPartitionService();
    public final TestNetworkConfig netcfg = new TestNetworkConfig();

    public MirrorTestContext() {
        TestUtils.setField(store, "storageService", new TestStorageService());
        store.activate();
        TestUtils.setField(manager, "store", store);
        TestUtils.setField(manager, "coreService", new TestCoreService());
        TestUtils.setField(manager, "cfgService", new ComponentConfigAdapter());
        TestUtils.setField(manager, "hostService", new HostServiceAdapter());
        TestUtils.setField(manager, "netcfgRegistry", netcfg);
        TestUtils.setField(manager, "intentService", intents);
        TestUtils.setField(manager, "workPartitionService", partitions);
        injectEventDispatcher(manager, new TestEventDispatcher());
        manager.activate(null);
    }

    /** Puts an agent with one tunnel VF per namespace given and one monitor VF "mon0" into the store. */
    public void addAgent(String agentId, String... tunnelNamespaces) {
        List<AgentVf> vfs = new ArrayList<>();
        for (int i = 0; i < tunnelNamespaces.length; i++) {
            vfs.add(new AgentVf(new VfId("pf0", i + 1), AgentVf.Role.TUNNEL, tunnelNamespaces[i], "tun" + i, ""));
        }
        String mac = "02:00:00:00:00:0" + agentId.length();
        vfs.add(new AgentVf(new VfId("pf0", 9), AgentVf.Role.MONITOR, "", "mon0", mac));
        store.putAgent(new AgentStatus(agentId, "127.0.0.1:1", "node", true, "1", "i40e", vfs, ""));
    }

    /**
     * Puts agents with one tunnel VF in the host namespace into the store and into the network config, the
     * n-th (from 1) at address 127.0.0.1:n with its uplink on fabric port of:n/1.
     */
    void addConnectedAgents(String... agentIds) {
        StringJoiner json = new StringJoiner(", ", "{", "}");
        for (int n = 1; n <= agentIds.length; n++) {
            addAgent(agentIds[n - 1], "");
            json.add("\"" + agentIds[n - 1] + "\": {\"address\": \"127.0.0.1:" + n + "\", \"plaintext\": true,"
                    + " \"uplink\": \"of:" + n + "/1\"}");
        }
        netcfg.agents(json.toString());
    }

    /** A component context holding one property. */
    static ComponentContext properties(String key, Object value) {
        return new ComponentContextAdapter() {
            @Override
            public Dictionary<String, Object> getProperties() {
                Hashtable<String, Object> p = new Hashtable<>();
                p.put(key, value);
                return p;
            }
        };
    }

    public void stop() {
        manager.deactivate();
        store.deactivate();
    }

    static final class TestCoreService extends CoreServiceAdapter {
        @Override
        public ApplicationId registerApplication(String name) {
            return APP_ID;
        }
    }

    /** Intents as submitted and withdrawn, by key. */
    static final class RecordingIntentService extends IntentServiceAdapter {
        final Map<String, Intent> installed = new LinkedHashMap<>();
        final List<String> withdrawn = new ArrayList<>();

        @Override
        public void submit(Intent intent) {
            installed.put(intent.key().toString(), intent);
        }

        @Override
        public void withdraw(Intent intent) {
            withdrawn.add(intent.key().toString());
            installed.remove(intent.key().toString());
        }

        @Override
        public Iterable<Intent> getIntentsByAppId(ApplicationId id) {
            return List.copyOf(installed.values());
        }
    }

    /** Owns whatever the given predicate says. */
    static final class TestWorkPartitionService extends WorkPartitionServiceAdapter {
        java.util.function.Predicate<String> mine = id -> true;

        @Override
        public <K> boolean isMine(K id, Function<K, Long> hasher) {
            return mine.test(id.toString());
        }
    }

    /** Holds the app's agents config, set from JSON text. */
    public static final class TestNetworkConfig extends NetworkConfigRegistryAdapter {
        private MirrorAgentsConfig config;

        public void agents(String json) {
            try {
                ObjectMapper mapper = new ObjectMapper();
                config = new MirrorAgentsConfig();
                config.init(APP_ID, MirrorAgentsConfig.KEY, (ObjectNode) mapper.readTree(json), mapper, c -> { });
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public <S, C extends Config<S>> C getConfig(S subject, Class<C> configClass) {
            return configClass == MirrorAgentsConfig.class ? (C) config : null;
        }
    }
}
