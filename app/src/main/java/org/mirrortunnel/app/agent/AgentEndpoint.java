package org.mirrortunnel.app.agent;

import com.google.common.collect.ImmutableMap;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one host agent and where its host meets the fabric, from network config.
 */
public final class AgentEndpoint {
    private final String agentId;
    private final String address;
    private final String caFile;
    private final String certFile;
    private final String keyFile;
    private final boolean plaintext;
    private final ConnectPoint uplink;
    private final Map<MacAddress, String> ports;

    /**
     * Creates an endpoint.
     *
     * @param agentId   agent id
     * @param address   host:port of the agent's gRPC service
     * @param caFile    CA certificate that signed the agent's certificate (PEM)
     * @param certFile  this controller's client certificate (PEM)
     * @param keyFile   its private key (PKCS#8 PEM)
     * @param plaintext no TLS (the agent allows it on loopback only)
     * @param uplink    the fabric port of the host's uplink, null when unknown
     * @param ports     network functions' ports on this host by MAC, as "netns/ifname" or "ifname"
     */
    public AgentEndpoint(String agentId, String address, String caFile, String certFile, String keyFile,
                         boolean plaintext, ConnectPoint uplink, Map<MacAddress, String> ports) {
        this.agentId = Objects.requireNonNull(agentId);
        this.address = Objects.requireNonNull(address);
        this.caFile = caFile;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.plaintext = plaintext;
        this.uplink = uplink;
        this.ports = ImmutableMap.copyOf(ports);
    }

    /**
     * Returns the agent id.
     *
     * @return agent id
     */
    public String agentId() {
        return agentId;
    }

    /**
     * Returns the agent's address.
     *
     * @return host:port
     */
    public String address() {
        return address;
    }

    /**
     * Returns the CA certificate file.
     *
     * @return path
     */
    public String caFile() {
        return caFile;
    }

    /**
     * Returns the client certificate file.
     *
     * @return path
     */
    public String certFile() {
        return certFile;
    }

    /**
     * Returns the client key file.
     *
     * @return path
     */
    public String keyFile() {
        return keyFile;
    }

    /**
     * Tells whether to talk without TLS.
     *
     * @return true for plaintext
     */
    public boolean plaintext() {
        return plaintext;
    }

    /**
     * Returns the fabric port of the host's uplink.
     *
     * @return connect point, if configured
     */
    public Optional<ConnectPoint> uplink() {
        return Optional.ofNullable(uplink);
    }

    /**
     * Returns the network functions' ports on this host by MAC.
     *
     * @return "netns/ifname" by MAC
     */
    public Map<MacAddress, String> ports() {
        return ports;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AgentEndpoint)) {
            return false;
        }
        AgentEndpoint e = (AgentEndpoint) o;
        return agentId.equals(e.agentId) && address.equals(e.address) && Objects.equals(caFile, e.caFile)
                && Objects.equals(certFile, e.certFile) && Objects.equals(keyFile, e.keyFile)
                && plaintext == e.plaintext && Objects.equals(uplink, e.uplink) && ports.equals(e.ports);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, address, caFile, certFile, keyFile, plaintext, uplink, ports);
    }

    @Override
    public String toString() {
        return agentId + "@" + address;
    }
}
