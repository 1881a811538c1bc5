package org.mirrortunnel.fabric;

import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.common.event.impl.TestEventDispatcher;
import org.onosproject.core.CoreService;
import org.onosproject.net.DeviceId;
import org.onosproject.net.domain.DomainId;
import org.onosproject.net.domain.DomainService;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.resource.MockResourceService;
import org.onosproject.net.resource.ResourceService;
import org.onosproject.net.topology.PathService;
import org.onosproject.net.topology.Topology;
import org.onosproject.net.topology.TopologyService;
import org.onosproject.store.trivial.SimpleTopologyStore;

import java.util.Map;
import java.util.Set;

/**
 * ONOS's own core components for one fabric, wired the way ONOS's core tests wire them: the topology manager, the
 * default topology provider and the path manager of {@code onos-core-net} over the trivial topology store of
 * {@code onos-core-common}, fed by the fabric's devices and links; and ONOS's intent compilers for
 * {@code SinglePointToMultiPointIntent} and {@code LinkCollectionIntent} (flow-rule variant), registered into the
 * given intent service as ONOS's would register into its IntentManager.
 *
 * <p>{@code onos-core-net} is a runtime dependency (its jar cannot be read by javac), so its classes are created
 * by name and their references set by field, as ONOS's tests do with {@code TestUtils}.
 */
public final class OnosCore {
    private static final String CORE = "org.onosproject.net.";

    private final FabricDevices devices;
    private final FabricLinks links;
    private final Object topologyManager;
    private final Object topologyProvider;
    private final Object pathManager;
    private final Object spToMp;
    private final Object linkCollection;

    /**
     * Starts the topology components and registers the compilers.
     *
     * @param topology the fabric
     * @param intents  where the compilers register (ONOS's IntentExtensionService)
     * @param core     ONOS's core, which gives the compilers their application id
     */
    public OnosCore(FabricTopology topology, FabricIntentService intents, CoreService core) {
        devices = new FabricDevices(topology);
        links = new FabricLinks(topology);
        ResourceService resources = new MockResourceService();
        ComponentConfigAdapter cfg = new ComponentConfigAdapter();

        SimpleTopologyStore store = new SimpleTopologyStore();
        store.activate();
        topologyManager = create("topology.impl.TopologyManager");
        Components.set(topologyManager, "store", store);
        Components.set(topologyManager, "eventDispatcher", new TestEventDispatcher());
        Components.call(topologyManager, "activate");

        pathManager = create("topology.impl.PathManager");
        Components.set(pathManager, "topologyService", topologyManager);
        Components.set(pathManager, "hostService", new HostServiceAdapter());
        Components.call(pathManager, "activate");

        spToMp = create("intent.impl.compiler.SinglePointToMultiPointIntentCompiler");
        Components.set(spToMp, "intentManager", intents);
        Components.set(spToMp, "pathService", pathManager);
        Components.set(spToMp, "deviceService", devices);
        Components.set(spToMp, "resourceService", resources);
        Components.call(spToMp, "activate");

        Object registrator = create("intent.impl.compiler.IntentConfigurableRegistrator");
        Components.set(registrator, "extensionService", intents);
        Components.set(registrator, "cfgService", cfg);
        linkCollection = create("intent.impl.compiler.LinkCollectionIntentCompiler");
        Components.set(linkCollection, "registrator", registrator);
        Components.set(linkCollection, "coreService", core);
        Components.set(linkCollection, "resourceService", resources);
        Components.set(linkCollection, "domainService", new LocalDomain());
        Components.call(linkCollection, "activate");

        topologyService().addListener(intents::topologyChanged);
        topologyProvider = create("topology.impl.DefaultTopologyProvider");
        Components.set(topologyProvider, "providerRegistry", topologyManager);
        Components.set(topologyProvider, "deviceService", devices);
        Components.set(topologyProvider, "linkService", links);
        Components.set(topologyProvider, "cfgService", cfg);
        Components.call(topologyProvider, "activate", Map.of());
    }

    /**
     * Waits until ONOS's current topology holds every switch and the given number of links (the topology provider
     * builds it on its own threads).
     *
     * @param linkCount links expected
     * @param timeoutMs how long to wait
     * @throws IllegalStateException on time-out
     */
    public void awaitTopology(int linkCount, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            Topology t = topologyService().currentTopology();
            if (t != null && t.deviceCount() == devices.getDeviceCount() && t.linkCount() == linkCount) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("topology not built: " + t);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** ONOS's topology service (the TopologyManager). */
    public TopologyService topologyService() {
        return (TopologyService) topologyManager;
    }

    /** ONOS's path service (the PathManager). */
    public PathService pathService() {
        return (PathService) pathManager;
    }

    /** The link service the topology provider listens to; port changes go in here. */
    FabricLinks links() {
        return links;
    }

    /** Names of the ONOS classes at work, for the record. */
    public Set<String> components() {
        return Set.of(topologyManager.getClass().getName(), topologyProvider.getClass().getName(),
                pathManager.getClass().getName(), spToMp.getClass().getName(),
                linkCollection.getClass().getName(), SimpleTopologyStore.class.getName());
    }

    /** Stops the topology provider's threads. */
    public void stop() {
        Components.call(topologyProvider, "deactivate", Map.of());
    }

    private static Object create(String name) {
        try {
            return Class.forName(CORE + name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot create ONOS's " + CORE + name + ": " + e, e);
        }
    }

    /** Every device in ONOS's local domain: no domain intents. */
    private static final class LocalDomain implements DomainService {
        @Override
        public Set<DomainId> getDomainIds() {
            return Set.of(DomainId.LOCAL);
        }

        @Override
        public Set<DeviceId> getDeviceIds(DomainId domainId) {
            return Set.of();
        }

        @Override
        public DomainId getDomain(DeviceId deviceId) {
            return DomainId.LOCAL;
        }
    }
}
