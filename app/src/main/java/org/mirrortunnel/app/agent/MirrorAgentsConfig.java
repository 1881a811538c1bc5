package org.mirrortunnel.app.agent;

import com.fasterxml.jackson.databind.JsonNode;
import org.onlab.packet.MacAddress;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.config.Config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The app's network config: the host agents, each with its address, TLS files, uplink and named ports.
 * <pre>
 * "apps": { "org.mirrortunnel.app": { "agents": {
 *   "host-1": { "address": "10.0.0.1:50051", "ca": "/etc/mt/ca.pem", "cert": "/etc/mt/client.pem",
 *               "key": "/etc/mt/client.key", "uplink": "of:0000000000000001/1",
 *               "ports": { "00:00:00:00:00:01": "nsf/svc0" } } } } }
 * </pre>
 */
public class MirrorAgentsConfig extends Config<ApplicationId> {
    /** The config key under the app. */
    public static final String KEY = "agents";
    private static final String ADDRESS = "address";
    private static final String CA = "ca";
    private static final String CERT = "cert";
    private static final String KEY_FILE = "key";
    private static final String PLAINTEXT = "plaintext";
    private static final String UPLINK = "uplink";
    private static final String PORTS = "ports";

    @Override
    public boolean isValid() {
        try {
            List<AgentEndpoint> all = agents();
            return all.stream().allMatch(a -> a.plaintext()
                    || (a.caFile() != null && a.certFile() != null && a.keyFile() != null));
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    /**
     * Returns the configured agents.
     *
     * @return agent endpoints
     * @throws IllegalArgumentException when an entry is malformed
     */
    public List<AgentEndpoint> agents() {
        List<AgentEndpoint> agents = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = e.getValue();
            if (!a.hasNonNull(ADDRESS)) {
                throw new IllegalArgumentException("agent " + e.getKey() + " has no address");
            }
            Map<MacAddress, String> ports = new HashMap<>();
            a.path(PORTS).fields().forEachRemaining(p -> ports.put(MacAddress.valueOf(p.getKey()),
                    p.getValue().asText()));
            agents.add(new AgentEndpoint(e.getKey(), a.get(ADDRESS).asText(), text(a, CA), text(a, CERT),
                    text(a, KEY_FILE), a.path(PLAINTEXT).asBoolean(false),
                    a.hasNonNull(UPLINK) ? ConnectPoint.deviceConnectPoint(a.get(UPLINK).asText()) : null,
                    ports));
        }
        return agents;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }
}
