package org.mirrortunnel.fabric;

import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onlab.packet.VlanId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DefaultHost;
import org.onosproject.net.Host;
import org.onosproject.net.HostId;
import org.onosproject.net.HostLocation;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.provider.ProviderId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The hosts ONOS's host provider learns on the fabric: the stations behind each host's uplink, untagged. */
final class FabricHosts extends HostServiceAdapter {
    private static final ProviderId PROVIDER = new ProviderId("host", "org.onosproject.provider.host");

    private final Map<HostId, Host> hosts = new LinkedHashMap<>();

    FabricHosts(FabricTopology topology) {
        for (FabricTopology.Station s : topology.stations()) {
            HostId id = HostId.hostId(s.mac(), VlanId.NONE);
            hosts.put(id, new DefaultHost(PROVIDER, id, s.mac(), VlanId.NONE, new HostLocation(s.location(), 0),
                    s.ips()));
        }
    }

    private Set<Host> where(Predicate<Host> p) {
        return hosts.values().stream().filter(p).collect(Collectors.toSet());
    }

    @Override
    public int getHostCount() {
        return hosts.size();
    }

    @Override
    public Iterable<Host> getHosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Host getHost(HostId hostId) {
        return hosts.get(hostId);
    }

    @Override
    public Set<Host> getHostsByMac(MacAddress mac) {
        return where(h -> h.mac().equals(mac));
    }

    @Override
    public Set<Host> getHostsByIp(IpAddress ip) {
        return where(h -> h.ipAddresses().contains(ip));
    }

    @Override
    public Set<Host> getConnectedHosts(ConnectPoint connectPoint) {
        return where(h -> h.location().deviceId().equals(connectPoint.deviceId())
                && h.location().port().equals(connectPoint.port()));
    }
}
