package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorFilter;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A filter as JSON: {@code srcPrefix}, {@code dstPrefix} (any prefix length; a bare address means that one
 * host), {@code ipProtocol}, {@code srcPort}, {@code dstPort}. Unset parts are left out and match everything.
 */
public final class MirrorFilterCodec extends JsonCodec<MirrorFilter> {
    private static final String SRC_PREFIX = "srcPrefix";
    private static final String DST_PREFIX = "dstPrefix";
    private static final String IP_PROTOCOL = "ipProtocol";
    private static final String SRC_PORT = "srcPort";
    private static final String DST_PORT = "dstPort";
    private static final int MAX_PROTOCOL = 255;
    private static final int MAX_PORT = 65535;

    @Override
    public ObjectNode encode(MirrorFilter filter, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode();
        filter.srcPrefix().ifPresent(p -> json.put(SRC_PREFIX, p.toString()));
        filter.dstPrefix().ifPresent(p -> json.put(DST_PREFIX, p.toString()));
        if (filter.ipProtocol() != 0) {
            json.put(IP_PROTOCOL, filter.ipProtocol());
        }
        if (filter.srcPort() != 0) {
            json.put(SRC_PORT, filter.srcPort());
        }
        if (filter.dstPort() != 0) {
            json.put(DST_PORT, filter.dstPort());
        }
        return json;
    }

    @Override
    public MirrorFilter decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(SRC_PREFIX, DST_PREFIX, IP_PROTOCOL, SRC_PORT, DST_PORT));
        return MirrorFilter.builder()
                .srcPrefix(f.text(SRC_PREFIX).map(t -> JsonFields.within(SRC_PREFIX, () -> prefix(t))).orElse(null))
                .dstPrefix(f.text(DST_PREFIX).map(t -> JsonFields.within(DST_PREFIX, () -> prefix(t))).orElse(null))
                .ipProtocol(f.integer(IP_PROTOCOL, 0, 0, MAX_PROTOCOL))
                .srcPort(f.integer(SRC_PORT, 0, 0, MAX_PORT))
                .dstPort(f.integer(DST_PORT, 0, 0, MAX_PORT))
                .build();
    }

    private static IpPrefix prefix(String text) {
        if (text.contains("/")) {
            return IpPrefix.valueOf(text);
        }
        IpAddress address = IpAddress.valueOf(text);
        return IpPrefix.valueOf(address,
                address.isIp4() ? IpPrefix.MAX_INET_MASK_LENGTH : IpPrefix.MAX_INET6_MASK_LENGTH);
    }
}
