package org.mirrortunnel.fabric;

import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DefaultLink;
import org.onosproject.net.DeviceId;
import org.onosproject.net.Link;
import org.onosproject.net.link.LinkEvent;
import org.onosproject.net.link.LinkListener;
import org.onosproject.net.link.LinkServiceAdapter;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The fabric's links as ONOS's link service holds them: one DIRECT link each way per cable, present while both
 * ports are up. A port going down removes the links on it (LINK_REMOVED), as the OpenFlow provider reports a port
 * status change; coming back up restores them (LINK_ADDED), as link discovery would.
 */
final class FabricLinks extends LinkServiceAdapter {
    private final List<FabricTopology.Cable> cables;
    private final Set<ConnectPoint> downPorts = new LinkedHashSet<>();
    private final Set<Link> active = new LinkedHashSet<>();
    private final List<LinkListener> listeners = new CopyOnWriteArrayList<>();

    FabricLinks(FabricTopology topology) {
        this.cables = topology.cables();
        for (FabricTopology.Cable c : cables) {
            active.addAll(links(c));
        }
    }

    private static List<Link> links(FabricTopology.Cable c) {
        return List.of(link(c.a(), c.b()), link(c.b(), c.a()));
    }

    private static Link link(ConnectPoint src, ConnectPoint dst) {
        return DefaultLink.builder().providerId(FabricDevices.PROVIDER).src(src).dst(dst).type(Link.Type.DIRECT)
                .state(Link.State.ACTIVE).build();
    }

    /**
     * Records a port's link state and posts the link events it causes.
     *
     * @param port switch port
     * @param up   true when the port has link
     */
    void portState(ConnectPoint port, boolean up) {
        List<LinkEvent> events = new java.util.ArrayList<>();
        synchronized (this) {
            boolean changed = up ? downPorts.remove(port) : downPorts.add(port);
            if (!changed) {
                return;
            }
            for (FabricTopology.Cable c : cables) {
                if (!c.a().equals(port) && !c.b().equals(port)) {
                    continue;
                }
                boolean bothUp = !downPorts.contains(c.a()) && !downPorts.contains(c.b());
                for (Link l : links(c)) {
                    if (bothUp && active.add(l)) {
                        events.add(new LinkEvent(LinkEvent.Type.LINK_ADDED, l));
                    } else if (!bothUp && active.remove(l)) {
                        events.add(new LinkEvent(LinkEvent.Type.LINK_REMOVED, l));
                    }
                }
            }
        }
        events.forEach(e -> listeners.forEach(l -> l.event(e)));
    }

    @Override
    public synchronized int getLinkCount() {
        return active.size();
    }

    @Override
    public synchronized Iterable<Link> getLinks() {
        return List.copyOf(active);
    }

    @Override
    public Iterable<Link> getActiveLinks() {
        return getLinks();
    }

    @Override
    public synchronized Set<Link> getDeviceLinks(DeviceId id) {
        return active.stream().filter(l -> l.src().deviceId().equals(id) || l.dst().deviceId().equals(id))
                .collect(Collectors.toSet());
    }

    @Override
    public synchronized Set<Link> getDeviceEgressLinks(DeviceId id) {
        return active.stream().filter(l -> l.src().deviceId().equals(id)).collect(Collectors.toSet());
    }

    @Override
    public synchronized Set<Link> getDeviceIngressLinks(DeviceId id) {
        return active.stream().filter(l -> l.dst().deviceId().equals(id)).collect(Collectors.toSet());
    }

    @Override
    public synchronized Set<Link> getLinks(ConnectPoint cp) {
        return active.stream().filter(l -> l.src().equals(cp) || l.dst().equals(cp)).collect(Collectors.toSet());
    }

    @Override
    public synchronized Set<Link> getEgressLinks(ConnectPoint cp) {
        return active.stream().filter(l -> l.src().equals(cp)).collect(Collectors.toSet());
    }

    @Override
    public synchronized Set<Link> getIngressLinks(ConnectPoint cp) {
        return active.stream().filter(l -> l.dst().equals(cp)).collect(Collectors.toSet());
    }

    @Override
    public synchronized Link getLink(ConnectPoint src, ConnectPoint dst) {
        return active.stream().filter(l -> l.src().equals(src) && l.dst().equals(dst)).findFirst().orElse(null);
    }

    @Override
    public void addListener(LinkListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(LinkListener listener) {
        listeners.remove(listener);
    }
}
