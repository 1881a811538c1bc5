package org.mirrortunnel.fabric;

import org.onlab.junit.TestUtils;
import org.onlab.osgi.ComponentContextAdapter;
import org.onosproject.cfg.ComponentConfigAdapter;
import org.onosproject.common.event.impl.TestEventDispatcher;
import org.onosproject.core.ApplicationId;
import org.onosproject.core.CoreServiceAdapter;
import org.onosproject.core.DefaultApplicationId;
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
import org.osgi.service.component.ComponentContext;

import java.util.Dictionary;
import java.util.Hashtable;
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
    private static final ApplicationId INTENT_APP = new DefaultApplicationId(1, "org.onosproject.net.intent");

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
     */
    public OnosCore(FabricTopology topology, FabricIntentService intents) {
        devices = new FabricDevices(topology);
        links = new FabricLinks(topology);
        ResourceService resources = new MockResourceService();
        ComponentConfigAdapter cfg = new ComponentConfigAdapter();

        SimpleTopologyStore store = new SimpleTopologyStore();
        store.activate();
        topologyManager = create("topology.impl.TopologyManager");
        set(topologyManager, "store", store);
        set(topologyManager, "eventDispatcher", new TestEventDispatcher());
        call(topologyManager, "activate");

        pathManager = create("topology.impl.PathManager");
        set(pathManager, "topologyService", topologyManager);
        set(pathManager, "hostService", new HostServiceAdapter());
        call(pathManager, "activate");

        spToMp = create("intent.impl.compiler.SinglePointToMultiPointIntentCompiler");
        set(spToMp, "intentManager", intents);
        set(spToMp, "pathService", pathManager);
        set(spToMp, "deviceService", devices);
        set(spToMp, "resourceService", resources);
        call(spToMp, "activate");

        Object registrator = create("intent.impl.compiler.IntentConfigurableRegistrator");
        set(registrator, "extensionService", intents);
        set(registrator, "cfgService", cfg);
        linkCollection = create("intent.impl.compiler.LinkCollectionIntentCompiler");
        set(linkCollection, "registrator", registrator);
        set(linkCollection, "coreService", new CoreServiceAdapter() {
            @Override
            public ApplicationId registerApplication(String name) {
                return INTENT_APP;
            }
        });
        set(linkCollection, "resourceService", resources);
        set(linkCollection, "domainService", new LocalDomain());
        call(linkCollection, "activate");

        topologyService().addListener(intents::topologyChanged);
        topologyProvider = create("topology.impl.DefaultTopologyProvider");
        set(topologyProvider, "providerRegistry", topologyManager);
        set(topologyProvider, "deviceService", devices);
        set(topologyProvider, "linkService", links);
        set(topologyProvider, "cfgService", cfg);
        try {
            TestUtils.callMethod(topologyProvider, "activate", ComponentContext.class, new EmptyContext());
        } catch (TestUtils.TestUtilsException e) {
            throw new IllegalStateException("DefaultTopologyProvider.activate: " + e.getCause(), e);
        }
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
        try {
            TestUtils.callMethod(topologyProvider, "deactivate", ComponentContext.class, new EmptyContext());
        } catch (TestUtils.TestUtilsException e) {
            throw new IllegalStateException("DefaultTopologyProvider.deactivate: " + e.getCause(), e);
        }
    }

    private static Object create(String name) {
        try {
            return Class.forName(CORE + name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot create ONOS's " + CORE + name + ": " + e, e);
        }
    }

    private static void set(Object target, String field, Object value) {
        try {
            TestUtils.setField(target, field, value);
        } catch (TestUtils.TestUtilsException e) {
            throw new IllegalStateException(target.getClass().getSimpleName() + "." + field + ": " + e, e);
        }
    }

    private static void call(Object target, String method) {
        try {
            TestUtils.callMethod(target, method, new Class<?>[0]);
        } catch (TestUtils.TestUtilsException e) {
            throw new IllegalStateException(target.getClass().getSimpleName() + "." + method + ": "
                    + e.getCause(), e);
        }
    }

    /** Component properties of a component started with its defaults. */
    private static final class EmptyContext extends ComponentContextAdapter {
        @Override
        public Dictionary getProperties() {
            return new Hashtable<>();
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
