package org.mirrortunnel.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fabric as the Mininet script built it: switches (bridge name, DPID, ports by interface name), the cables
 * between switch ports, and each host agent's uplink port. Read from the {@code fabric.json} the script writes.
 */
public final class FabricTopology {
    /** One switch: its OVS bridge and its ports, interface name to OpenFlow port number. */
    public record Switch(String bridge, DeviceId id, Map<String, PortNumber> ports) {
    }

    /** A cable between two switch ports (ONOS sees one link each way). */
    public record Cable(ConnectPoint a, ConnectPoint b) {
    }

    /** A network function's or monitor's interface behind a host's uplink, as ONOS learns it. */
    public record Station(MacAddress mac, Set<IpAddress> ips, ConnectPoint location) {
    }

    private final List<Switch> switches;
    private final List<Cable> cables;
    private final Map<String, ConnectPoint> uplinks;
    private final List<Station> stations;

    public FabricTopology(List<Switch> switches, List<Cable> cables, Map<String, ConnectPoint> uplinks,
                          List<Station> stations) {
        this.switches = List.copyOf(switches);
        this.cables = List.copyOf(cables);
        this.uplinks = Collections.unmodifiableMap(new LinkedHashMap<>(uplinks));
        this.stations = List.copyOf(stations);
    }

    /**
     * Reads {@code {"switches": [{"bridge", "dpid", "ports": {ifname: n}}], "cables": [["of:../1", "of:../2"]],
     * "uplinks": {agent: "of:../3"}, "hosts": [{"mac", "ips": [..], "location": "of:../3"}]}}.
     *
     * @param file fabric.json
     * @return the topology
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is malformed
     */
    public static FabricTopology read(Path file) throws IOException {
        return parse(new ObjectMapper().readTree(file.toFile()));
    }

    static FabricTopology parse(JsonNode root) {
        List<Switch> switches = new ArrayList<>();
        for (JsonNode s : required(root, "switches")) {
            Map<String, PortNumber> ports = new LinkedHashMap<>();
            required(s, "ports").fields().forEachRemaining(
                    p -> ports.put(p.getKey(), PortNumber.portNumber(p.getValue().asLong())));
            switches.add(new Switch(required(s, "bridge").asText(),
                    DeviceId.deviceId("of:" + required(s, "dpid").asText()), ports));
        }
        List<Cable> cables = new ArrayList<>();
        for (JsonNode c : required(root, "cables")) {
            if (c.size() != 2) {
                throw new IllegalArgumentException("a cable has two ends: " + c);
            }
            cables.add(new Cable(ConnectPoint.deviceConnectPoint(c.get(0).asText()),
                    ConnectPoint.deviceConnectPoint(c.get(1).asText())));
        }
        Map<String, ConnectPoint> uplinks = new LinkedHashMap<>();
        required(root, "uplinks").fields().forEachRemaining(
                u -> uplinks.put(u.getKey(), ConnectPoint.deviceConnectPoint(u.getValue().asText())));
        List<Station> stations = new ArrayList<>();
        for (JsonNode h : root.path("hosts")) {
            Set<IpAddress> ips = new LinkedHashSet<>();
            h.path("ips").forEach(ip -> ips.add(IpAddress.valueOf(ip.asText())));
            stations.add(new Station(MacAddress.valueOf(required(h, "mac").asText()), ips,
                    ConnectPoint.deviceConnectPoint(required(h, "location").asText())));
        }
        return new FabricTopology(switches, cables, uplinks, stations);
    }

    private static JsonNode required(JsonNode n, String field) {
        if (!n.hasNonNull(field)) {
            throw new IllegalArgumentException("fabric description: missing '" + field + "' in " + n);
        }
        return n.get(field);
    }

    public List<Switch> switches() {
        return switches;
    }

    public List<Cable> cables() {
        return cables;
    }

    /** The hosts ONOS learns at the hosts' uplinks. */
    public List<Station> stations() {
        return stations;
    }

    /** Host agent id to the fabric port its uplink is plugged into. */
    public Map<String, ConnectPoint> uplinks() {
        return uplinks;
    }

    /**
     * The switch port behind an interface name, as OVS reports link changes by interface.
     *
     * @param ifname interface name
     * @return its connect point, or null when it is no switch port
     */
    public ConnectPoint portOf(String ifname) {
        for (Switch s : switches) {
            PortNumber n = s.ports().get(ifname);
            if (n != null) {
                return new ConnectPoint(s.id(), n);
            }
        }
        return null;
    }

    /**
     * The OVS bridge of a device.
     *
     * @param id device
     * @return bridge name
     * @throws IllegalArgumentException for a device not in the fabric
     */
    public String bridge(DeviceId id) {
        return switches.stream().filter(s -> s.id().equals(id)).map(Switch::bridge).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no switch " + id));
    }
}
