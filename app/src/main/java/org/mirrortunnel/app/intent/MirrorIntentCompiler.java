package org.mirrortunnel.app.intent;

import com.google.common.collect.ImmutableSet;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.FilteredConnectPoint;
import org.onosproject.net.Link;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentCompiler;
import org.onosproject.net.intent.IntentExtensionService;
import org.onosproject.net.intent.LinkCollectionIntent;
import org.onosproject.net.intent.IntentCompilationException;
import org.onosproject.net.link.LinkService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles a mirror intent into a link collection: a shortest-path tree over the active links from the
 * ingress device to every egress device. The links are the intent's resources, so ONOS recompiles it when
 * one of them goes away.
 */
@Component(immediate = true)
public class MirrorIntentCompiler implements IntentCompiler<MirrorIntent> {

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected IntentExtensionService intentExtensionService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected LinkService linkService;

    @Activate
    protected void activate() {
        intentExtensionService.registerCompiler(MirrorIntent.class, this);
    }

    @Deactivate
    protected void deactivate() {
        intentExtensionService.unregisterCompiler(MirrorIntent.class);
    }

    @Override
    public List<Intent> compile(MirrorIntent intent, List<Intent> installable) {
        DeviceId root = intent.ingressPoint().deviceId();
        Map<DeviceId, Link> reachedBy = shortestPathTree(root);
        Set<Link> links = new HashSet<>();
        for (ConnectPoint egress : intent.egressPoints()) {
            DeviceId at = egress.deviceId();
            if (!at.equals(root) && !reachedBy.containsKey(at)) {
                throw new IntentCompilationException("no path from " + root + " to " + at);
            }
            while (!at.equals(root)) {
                Link hop = reachedBy.get(at);
                links.add(hop);
                at = hop.src().deviceId();
            }
        }
        return List.of(LinkCollectionIntent.builder()
                .appId(intent.appId())
                .key(intent.key())
                .selector(intent.selector())
                .treatment(intent.treatment())
                .links(links)
                .filteredIngressPoints(ImmutableSet.of(new FilteredConnectPoint(intent.ingressPoint())))
                .filteredEgressPoints(intent.egressPoints().stream().map(FilteredConnectPoint::new)
                        .collect(Collectors.toSet()))
                .priority(intent.priority())
                .applyTreatmentOnEgress(false)
                .build());
    }

    /**
     * Breadth-first over the active links; neighbours are visited in a fixed order, so the same topology
     * always gives the same tree.
     */
    private Map<DeviceId, Link> shortestPathTree(DeviceId root) {
        Map<DeviceId, List<Link>> out = new HashMap<>();
        for (Link l : linkService.getActiveLinks()) {
            out.computeIfAbsent(l.src().deviceId(), d -> new ArrayList<>()).add(l);
        }
        Comparator<Link> order = Comparator.comparing((Link l) -> l.dst().deviceId().toString())
                .thenComparing(l -> l.src().port().toLong());
        Map<DeviceId, Link> reachedBy = new HashMap<>();
        Set<DeviceId> seen = new HashSet<>(Set.of(root));
        Deque<DeviceId> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            DeviceId d = queue.poll();
            for (Link l : out.getOrDefault(d, List.of()).stream().sorted(order).collect(Collectors.toList())) {
                DeviceId next = l.dst().deviceId();
                if (seen.add(next)) {
                    reachedBy.put(next, l);
                    queue.add(next);
                }
            }
        }
        return reachedBy;
    }
}
