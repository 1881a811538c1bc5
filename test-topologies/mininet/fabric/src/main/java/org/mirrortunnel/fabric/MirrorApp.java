package org.mirrortunnel.fabric;

import org.mirrortunnel.app.impl.AgentProgrammer;
import org.mirrortunnel.app.impl.ClusterStorageService;
import org.mirrortunnel.app.impl.MirrorManager;
import org.mirrortunnel.app.store.DistributedMirrorStore;
import org.onlab.packet.IpAddress;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.cluster.ClusterServiceAdapter;
import org.onosproject.cluster.ControllerNode;
import org.onosproject.cluster.DefaultControllerNode;
import org.onosproject.cluster.NodeId;
import org.onosproject.common.event.impl.TestEventDispatcher;
import org.onosproject.core.CoreService;
import org.onosproject.net.config.NetworkConfigRegistry;
import org.onosproject.net.host.HostService;
import org.onosproject.net.intent.IntentService;
import org.onosproject.net.intent.WorkPartitionServiceAdapter;

import java.util.Map;

/**
 * The Mirror Tunnel app's components on one ONOS node, started as ONOS's component runtime starts them: each
 * reference set to the service ONOS would bind, then {@code activate}. The store keeps its maps in in-process
 * storage; the node owns every work partition (a one-node cluster), so its manager submits every session's intents
 * and its agent programmer talks to every agent in the network config, over mTLS gRPC.
 */
public final class MirrorApp {
    private final DistributedMirrorStore store = new DistributedMirrorStore();
    private final MirrorManager manager = new MirrorManager();
    private final AgentProgrammer programmer;

    /**
     * Activates the store, the manager and, when asked, the agent programmer.
     *
     * @param core          ONOS's core (application ids)
     * @param intents       ONOS's intent service
     * @param netcfg        ONOS's network config registry
     * @param hosts         ONOS's host service
     * @param programAgents whether to start the agent programmer
     * @param properties    component config of the agent programmer (e.g. reconnectSeconds)
     */
    public MirrorApp(CoreService core, IntentService intents, NetworkConfigRegistry netcfg, HostService hosts,
                     boolean programAgents, Map<String, Object> properties) {
        WorkPartitionServiceAdapter partitions = new WorkPartitionServiceAdapter();
        Components.set(store, "storageService", new ClusterStorageService());
        store.activate();

        Components.set(manager, "store", store);
        Components.set(manager, "coreService", core);
        Components.set(manager, "cfgService", new ComponentConfigAdapter());
        Components.set(manager, "hostService", hosts);
        Components.set(manager, "netcfgRegistry", netcfg);
        Components.set(manager, "intentService", intents);
        Components.set(manager, "workPartitionService", partitions);
        Components.set(manager, "eventDispatcher", new TestEventDispatcher());
        Components.call(manager, "activate", Map.of());

        if (!programAgents) {
            programmer = null;
            return;
        }
        programmer = new AgentProgrammer();
        Components.set(programmer, "store", store);
        Components.set(programmer, "mirrorService", manager);
        Components.set(programmer, "netcfgService", netcfg);
        Components.set(programmer, "workPartitionService", partitions);
        Components.set(programmer, "clusterService", new ClusterServiceAdapter() {
            @Override
            public ControllerNode getLocalNode() {
                return new DefaultControllerNode(new NodeId("fabric"), IpAddress.valueOf("127.0.0.1"));
            }
        });
        Components.set(programmer, "coreService", core);
        Components.set(programmer, "cfgService", new ComponentConfigAdapter());
        Components.call(programmer, "activate", properties);
    }

    /** The app's manager, as its REST API and CLI reach it (MirrorAdminService). */
    public MirrorManager manager() {
        return manager;
    }

    /** The app's store. */
    public DistributedMirrorStore store() {
        return store;
    }

    /** Deactivates the components in the reverse order: the manager withdraws its intents. */
    public void stop() {
        if (programmer != null) {
            Components.call(programmer, "deactivate");
        }
        Components.call(manager, "deactivate");
        store.deactivate();
    }
}
