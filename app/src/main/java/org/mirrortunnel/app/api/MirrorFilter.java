package org.mirrortunnel.app.api;

import com.google.common.base.MoreObjects;
import org.onlab.packet.IpPrefix;

import java.util.Objects;
import java.util.Optional;

import static org.mirrortunnel.app.api.MirrorException.Reason.INVALID;

/**
 * Which packets of a source are mirrored: prefixes, IP protocol and L4 ports; an unset part matches everything.
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

    private MirrorFilter(Builder b) {
        this.srcPrefix = b.srcPrefix;
        this.dstPrefix = b.dstPrefix;
        this.ipProtocol = b.ipProtocol;
        this.srcPort = b.srcPort;
        this.dstPort = b.dstPort;
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
                && ipProtocol == f.ipProtocol && srcPort == f.srcPort && dstPort == f.dstPort;
    }

    @Override
    public int hashCode() {
        return Objects.hash(srcPrefix, dstPrefix, ipProtocol, srcPort, dstPort);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this).omitNullValues()
                .add("src", srcPrefix).add("dst", dstPrefix)
                .add("proto", ipProtocol == 0 ? null : ipProtocol)
                .add("sport", srcPort == 0 ? null : srcPort)
                .add("dport", dstPort == 0 ? null : dstPort).toString();
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
         * Builds the filter.
         *
         * @return filter
         * @throws MirrorException when the parts do not fit together
         */
        public MirrorFilter build() {
            if (srcPrefix != null && dstPrefix != null && srcPrefix.isIp4() != dstPrefix.isIp4()) {
                throw new MirrorException(INVALID, "dstPrefix", "filter prefixes " + srcPrefix + " and " + dstPrefix
                        + " are of different families");
            }
            if (ipProtocol < 0 || ipProtocol > MAX_PROTOCOL) {
                throw new MirrorException(INVALID, "ipProtocol", "IP protocol must be 0..255, not " + ipProtocol);
            }
            checkPort("srcPort", srcPort);
            checkPort("dstPort", dstPort);
            boolean portsSet = srcPort != 0 || dstPort != 0;
            if (portsSet && ipProtocol != TCP && ipProtocol != UDP && ipProtocol != SCTP) {
                throw new MirrorException(INVALID, "ipProtocol",
                        "filtering on ports needs protocol tcp (6), udp (17) or sctp (132)");
            }
            return new MirrorFilter(this);
        }

        private static void checkPort(String field, int port) {
            if (port < 0 || port > MAX_PORT) {
                throw new MirrorException(INVALID, field, "ports must be 0..65535, not " + port);
            }
        }
    }
}
