package org.mirrortunnel.app.api;

import org.onlab.packet.IpPrefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static org.mirrortunnel.app.api.MirrorException.Reason.INVALID;

/**
 * Which packets of a source are mirrored: prefixes, IP protocol and L4 ports; an unset part matches everything.
 * Each part set must hold. The one-sided parts name the source or the destination; {@link #prefix()} and
 * {@link #port()} match either side, as tcpdump's {@code net} and {@code port}: {@code port} 5000 catches both the
 * requests to port 5000 and the replies from it.
 */
public final class MirrorFilter {
    /** The filter that matches every packet, IP or not. */
    public static final MirrorFilter ANY = builder().build();

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;
    private static final int MAX_PORT = 65535;
    private static final int MAX_PROTOCOL = 255;

    private final IpPrefix srcPrefix;
    private final IpPrefix dstPrefix;
    private final int ipProtocol;
    private final int srcPort;
    private final int dstPort;
    private final IpPrefix prefix;
    private final int port;

    private MirrorFilter(Builder b) {
        this.srcPrefix = b.srcPrefix;
        this.dstPrefix = b.dstPrefix;
        this.ipProtocol = b.ipProtocol;
        this.srcPort = b.srcPort;
        this.dstPort = b.dstPort;
        this.prefix = b.prefix;
        this.port = b.port;
    }

    /**
     * Returns the source prefix, if the filter has one.
     *
     * @return source prefix
     */
    public Optional<IpPrefix> srcPrefix() {
        return Optional.ofNullable(srcPrefix);
    }

    /**
     * Returns the destination prefix, if the filter has one.
     *
     * @return destination prefix
     */
    public Optional<IpPrefix> dstPrefix() {
        return Optional.ofNullable(dstPrefix);
    }

    /**
     * Returns the IP protocol number, 0 for any.
     *
     * @return IP protocol
     */
    public int ipProtocol() {
        return ipProtocol;
    }

    /**
     * Returns the L4 source port, 0 for any.
     *
     * @return source port
     */
    public int srcPort() {
        return srcPort;
    }

    /**
     * Returns the L4 destination port, 0 for any.
     *
     * @return destination port
     */
    public int dstPort() {
        return dstPort;
    }

    /**
     * Returns the prefix that the source or the destination must be in, if the filter has one.
     *
     * @return either-side prefix
     */
    public Optional<IpPrefix> prefix() {
        return Optional.ofNullable(prefix);
    }

    /**
     * Returns the L4 port that the source or the destination port must be, 0 for any.
     *
     * @return either-side port
     */
    public int port() {
        return port;
    }

    /**
     * Returns a new filter builder.
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MirrorFilter)) {
            return false;
        }
        MirrorFilter f = (MirrorFilter) o;
        return Objects.equals(srcPrefix, f.srcPrefix) && Objects.equals(dstPrefix, f.dstPrefix)
                && ipProtocol == f.ipProtocol && srcPort == f.srcPort && dstPort == f.dstPort
                && Objects.equals(prefix, f.prefix) && port == f.port;
    }

    @Override
    public int hashCode() {
        return Objects.hash(srcPrefix, dstPrefix, ipProtocol, srcPort, dstPort, prefix, port);
    }

    /**
     * Returns the parts set, in the REST API's field names.
     *
     * @return text such as "srcPrefix=10.0.0.0/24 ipProtocol=6 port=80", "any" when the filter matches everything
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        srcPrefix().ifPresent(p -> parts.add("srcPrefix=" + p));
        dstPrefix().ifPresent(p -> parts.add("dstPrefix=" + p));
        prefix().ifPresent(p -> parts.add("prefix=" + p));
        addIfSet(parts, "ipProtocol", ipProtocol);
        addIfSet(parts, "srcPort", srcPort);
        addIfSet(parts, "dstPort", dstPort);
        addIfSet(parts, "port", port);
        return parts.isEmpty() ? "any" : String.join(" ", parts);
    }

    private static void addIfSet(List<String> parts, String name, int value) {
        if (value != 0) {
            parts.add(name + "=" + value);
        }
    }

    /**
     * Builds a filter and checks it is one the agents accept.
     */
    public static final class Builder {
        private IpPrefix srcPrefix;
        private IpPrefix dstPrefix;
        private int ipProtocol;
        private int srcPort;
        private int dstPort;
        private IpPrefix prefix;
        private int port;

        private Builder() {
        }

        /**
         * Sets the source prefix.
         *
         * @param prefix prefix, or null for any
         * @return this builder
         */
        public Builder srcPrefix(IpPrefix prefix) {
            this.srcPrefix = prefix;
            return this;
        }

        /**
         * Sets the destination prefix.
         *
         * @param prefix prefix, or null for any
         * @return this builder
         */
        public Builder dstPrefix(IpPrefix prefix) {
            this.dstPrefix = prefix;
            return this;
        }

        /**
         * Sets the IP protocol number.
         *
         * @param protocol 1..255, or 0 for any
         * @return this builder
         */
        public Builder ipProtocol(int protocol) {
            this.ipProtocol = protocol;
            return this;
        }

        /**
         * Sets the L4 source port.
         *
         * @param port 1..65535, or 0 for any
         * @return this builder
         */
        public Builder srcPort(int port) {
            this.srcPort = port;
            return this;
        }

        /**
         * Sets the L4 destination port.
         *
         * @param port 1..65535, or 0 for any
         * @return this builder
         */
        public Builder dstPort(int port) {
            this.dstPort = port;
            return this;
        }

        /**
         * Sets the prefix that the source or the destination must be in.
         *
         * @param newPrefix prefix, or null for any
         * @return this builder
         */
        public Builder prefix(IpPrefix newPrefix) {
            this.prefix = newPrefix;
            return this;
        }

        /**
         * Sets the L4 port that the source or the destination port must be.
         *
         * @param newPort 1..65535, or 0 for any
         * @return this builder
         */
        public Builder port(int newPort) {
            this.port = newPort;
            return this;
        }

        /**
         * Builds the filter.
         *
         * @return filter
         * @throws MirrorException when the parts do not fit together
         */
        public MirrorFilter build() {
            checkFamily("dstPrefix", srcPrefix, dstPrefix);
            checkFamily("prefix", srcPrefix, prefix);
            checkFamily("prefix", dstPrefix, prefix);
            if (ipProtocol < 0 || ipProtocol > MAX_PROTOCOL) {
                throw new MirrorException(INVALID, "ipProtocol", "IP protocol must be 0..255, not " + ipProtocol);
            }
            checkPort("srcPort", srcPort);
            checkPort("dstPort", dstPort);
            checkPort("port", port);
            boolean portsSet = srcPort != 0 || dstPort != 0 || port != 0;
            if (portsSet && ipProtocol != TCP && ipProtocol != UDP && ipProtocol != SCTP) {
                throw new MirrorException(INVALID, "ipProtocol",
                        "filtering on ports needs protocol tcp (6), udp (17) or sctp (132)");
            }
            return new MirrorFilter(this);
        }

        /** A packet has one family: two prefixes of different families would match nothing. */
        private static void checkFamily(String field, IpPrefix one, IpPrefix other) {
            if (one != null && other != null && one.isIp4() != other.isIp4()) {
                throw new MirrorException(INVALID, field, "filter prefixes " + one + " and " + other
                        + " are of different families");
            }
        }

        private static void checkPort(String field, int port) {
            if (port < 0 || port > MAX_PORT) {
                throw new MirrorException(INVALID, field, "ports must be 0..65535, not " + port);
            }
        }
    }
}
