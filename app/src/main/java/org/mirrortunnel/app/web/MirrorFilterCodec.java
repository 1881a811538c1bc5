package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorFilter;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Set;

/**
 * A filter as JSON: {@code srcPrefix}, {@code dstPrefix} and, for either side, {@code prefix} (any prefix length;
 * a bare address means that one host), {@code ipProtocol}, {@code srcPort}, {@code dstPort} and, for either side,
 * {@code port}. Unset parts are left out and match everything.
 */
public final class MirrorFilterCodec extends JsonCodec<MirrorFilter> {
    private static final String SRC_PREFIX = "srcPrefix";
    private static final String DST_PREFIX = "dstPrefix";
    private static final String IP_PROTOCOL = "ipProtocol";
    private static final String SRC_PORT = "srcPort";
    private static final String DST_PORT = "dstPort";
    private static final String PREFIX = "prefix";
    private static final String PORT = "port";
    private static final int MAX_PROTOCOL = 255;
    private static final int MAX_PORT = 65535;

    @Override
    public ObjectNode encode(MirrorFilter filter, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode();
        filter.srcPrefix().ifPresent(p -> json.put(SRC_PREFIX, p.toString()));
        filter.dstPrefix().ifPresent(p -> json.put(DST_PREFIX, p.toString()));
        filter.prefix().ifPresent(p -> json.put(PREFIX, p.toString()));
        putIfSet(json, IP_PROTOCOL, filter.ipProtocol());
        putIfSet(json, SRC_PORT, filter.srcPort());
        putIfSet(json, DST_PORT, filter.dstPort());
        putIfSet(json, PORT, filter.port());
        return json;
    }

    private static void putIfSet(ObjectNode json, String name, int value) {
        if (value != 0) {
            json.put(name, value);
        }
    }

    @Override
    public MirrorFilter decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, Set.of(SRC_PREFIX, DST_PREFIX, PREFIX, IP_PROTOCOL, SRC_PORT, DST_PORT,
                PORT));
        return MirrorFilter.builder()
                .srcPrefix(prefix(f, SRC_PREFIX)).dstPrefix(prefix(f, DST_PREFIX)).prefix(prefix(f, PREFIX))
                .ipProtocol(f.integer(IP_PROTOCOL, 0, 0, MAX_PROTOCOL))
                .srcPort(f.integer(SRC_PORT, 0, 0, MAX_PORT))
                .dstPort(f.integer(DST_PORT, 0, 0, MAX_PORT))
                .port(f.integer(PORT, 0, 0, MAX_PORT))
                .build();
    }

    private static IpPrefix prefix(JsonFields f, String name) {
        return f.text(name).map(t -> JsonFields.within(name, () -> prefix(t))).orElse(null);
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
