package org.mirrortunnel.app.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.agent.AgentClientFactory;
import org.mirrortunnel.app.agent.MirrorAgentsConfig;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.AgentVf;
import org.mirrortunnel.app.api.VfId;
import org.mirrortunnel.app.store.DistributedMirrorStore;
import org.onlab.junit.TestUtils;
import org.onlab.osgi.ComponentContextAdapter;
import org.onlab.packet.IpAddress;
import org.osgi.service.component.ComponentContext;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.cluster.ClusterServiceAdapter;
import org.onosproject.cluster.ControllerNode;
import org.onosproject.cluster.DefaultControllerNode;
import org.onosproject.cluster.NodeId;
import org.onosproject.common.event.impl.TestEventDispatcher;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.core.DefaultApplicationId;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.NetworkConfigEvent;
import org.onosproject.net.config.NetworkConfigListener;
import org.onosproject.net.config.NetworkConfigRegistryAdapter;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.intent.WorkPartitionEvent;
import org.onosproject.net.intent.WorkPartitionEventListener;
import org.onosproject.net.intent.WorkPartitionService;
import org.onosproject.net.intent.WorkPartitionServiceAdapter;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.onosproject.net.NetTestTools.injectEventDispatcher;

/**
 * One node of a test cluster: a mirror manager wired to the distributed store and to small adapters of the
 * ONOS services it uses. Nodes made with {@link #peer(String)} share the cluster's storage (the same maps, as
 * the nodes of a cluster do), its intents and its network config, each with its own store instance, manager and
 * work partitions.
 */
public final class MirrorTestContext {
    static final ApplicationId APP_ID = new DefaultApplicationId(7, MirrorManager.APP_NAME);

    public final String node;
    public final DistributedMirrorStore store = new DistributedMirrorStore();
    public final MirrorManager manager = new MirrorManager();
    public final ClusterIntents.NodeIntents intents;
    final TestWorkPartitionService partitions = new TestWorkPartitionService();
    public final TestNetworkConfig netcfg;
    final ClusterStorageService storage;

    /** The first node of a new cluster, "node-1". */
    public MirrorTestContext() {
        this("node-1", new ClusterStorageService(), new ClusterIntents(), new TestNetworkConfig());
    }

    /**
     * A node on the given cluster state; a new {@link ClusterIntents} with the old storage is a cluster restart
     * (ONOS's intents do not outlive the cluster, the consistent maps do).
     *
     * @param node    node name
     * @param storage the cluster's storage
     * @param intents the cluster's intents
     * @param netcfg  the cluster's network config
     */
    public MirrorTestContext(String node, ClusterStorageService storage, ClusterIntents intents,
                             TestNetworkConfig netcfg) {
        this.node = node;
        this.storage = storage;
        this.intents = intents.node(node);
        this.netcfg = netcfg;
        TestUtils.setField(store, "storageService", storage);
        store.activate();
        TestUtils.setField(manager, "store", store);
        TestUtils.setField(manager, "coreService", new TestCoreService());
        TestUtils.setField(manager, "cfgService", new ComponentConfigAdapter());
        TestUtils.setField(manager, "hostService", new HostServiceAdapter());
        TestUtils.setField(manager, "netcfgRegistry", netcfg);
        TestUtils.setField(manager, "intentService", this.intents);
        TestUtils.setField(manager, "workPartitionService", partitions);
        injectEventDispatcher(manager, new TestEventDispatcher());
        manager.activate(null);
    }

    /**
     * Starts another node of this cluster.
     *
     * @param nodeName its name
     * @return the node
     */
    public MirrorTestContext peer(String nodeName) {
        return new MirrorTestContext(nodeName, storage, intents.cluster(), netcfg);
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
    public void addConnectedAgents(String... agentIds) {
        StringJoiner json = new StringJoiner(", ", "{", "}");
        for (int n = 1; n <= agentIds.length; n++) {
            addAgent(agentIds[n - 1], "");
            json.add("\"" + agentIds[n - 1] + "\": {\"address\": \"127.0.0.1:" + n + "\", \"plaintext\": true,"
                    + " \"uplink\": \"of:" + n + "/1\"}");
        }
        netcfg.agents(json.toString());
    }

    /**
     * Returns an agent programmer of this node, not yet activated.
     *
     * @param factory its agent clients; null for the real gRPC ones
     * @return programmer
     */
    AgentProgrammer programmer(AgentClientFactory factory) {
        return programmer(node, partitions, factory);
    }

    /**
     * Returns an agent programmer on this node's store and services, not yet activated.
     *
     * @param nodeName   the node it runs on
     * @param partitions its work partitions
     * @param factory    its agent clients; null for the real gRPC ones
     * @return programmer
     */
    AgentProgrammer programmer(String nodeName, WorkPartitionService partitions, AgentClientFactory factory) {
        AgentProgrammer p = new AgentProgrammer();
        TestUtils.setField(p, "store", store);
        TestUtils.setField(p, "mirrorService", manager);
        TestUtils.setField(p, "netcfgService", netcfg);
        TestUtils.setField(p, "workPartitionService", partitions);
        TestUtils.setField(p, "clusterService", new ClusterServiceAdapter() {
            @Override
            public ControllerNode getLocalNode() {
                return new DefaultControllerNode(new NodeId(nodeName), IpAddress.valueOf("127.0.0.1"));
            }
        });
        TestUtils.setField(p, "coreService", new TestCoreService());
        TestUtils.setField(p, "cfgService", new ComponentConfigAdapter());
        if (factory != null) {
            TestUtils.setField(p, "clientFactory", factory);
        }
        return p;
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

    /** Owns whatever the given predicate says; {@link #move} changes it and tells the listeners. */
    static final class TestWorkPartitionService extends WorkPartitionServiceAdapter {
        volatile Predicate<String> mine = id -> true;
        private final List<WorkPartitionEventListener> listeners = new CopyOnWriteArrayList<>();

        @Override
        public <K> boolean isMine(K id, Function<K, Long> hasher) {
            return mine.test(id.toString());
        }

        @Override
        public void addListener(WorkPartitionEventListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(WorkPartitionEventListener listener) {
            listeners.remove(listener);
        }

        /** Gives this node the ids the predicate accepts, as a leadership change of the work partitions does. */
        void move(Predicate<String> owned) {
            mine = owned;
            WorkPartitionEvent event = new WorkPartitionEvent(WorkPartitionEvent.Type.LEADER_CHANGED, "work-0");
            listeners.forEach(l -> l.event(event));
        }
    }

    /** Holds the app's agents config, set from JSON text; a change is told to the listeners. */
    public static final class TestNetworkConfig extends NetworkConfigRegistryAdapter {
        private volatile MirrorAgentsConfig config;
        private final List<NetworkConfigListener> listeners = new CopyOnWriteArrayList<>();

        public void agents(String json) {
            try {
                ObjectMapper mapper = new ObjectMapper();
                MirrorAgentsConfig next = new MirrorAgentsConfig();
                next.init(APP_ID, MirrorAgentsConfig.KEY, (ObjectNode) mapper.readTree(json), mapper, c -> { });
                config = next;
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
            NetworkConfigEvent event = new NetworkConfigEvent(NetworkConfigEvent.Type.CONFIG_UPDATED, APP_ID,
                    MirrorAgentsConfig.class);
            listeners.stream().filter(l -> l.isRelevant(event)).forEach(l -> l.event(event));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <S, C extends Config<S>> C getConfig(S subject, Class<C> configClass) {
            return configClass == MirrorAgentsConfig.class ? (C) config : null;
        }

        @Override
        public void addListener(NetworkConfigListener listener) {
            listeners.add(listener);
        }

        @Override
        public void removeListener(NetworkConfigListener listener) {
            listeners.remove(listener);
        }
    }
}
