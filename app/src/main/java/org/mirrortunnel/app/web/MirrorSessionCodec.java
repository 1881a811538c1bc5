package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.AdminState;
import org.mirrortunnel.app.api.Direction;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorFilter;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MonitorPoint;
import org.mirrortunnel.app.api.TapAt;
import org.mirrortunnel.app.api.TapPoint;
import org.onosproject.codec.CodecContext;
import org.onosproject.codec.JsonCodec;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A session as JSON. The definition ({@code name}, {@code sources}, {@code monitors}, {@code tapAt},
 * {@code direction},
 * {@code filter}, {@code sampleEvery}, {@code snaplen}, {@code vlans}, {@code adminState}) is what clients
 * send; the rest ({@code id}, {@code operState}, {@code tapPoints}, {@code monitorPoints}, {@code hosts},
 * {@code counters}, {@code created}, {@code updated}) is what the cluster adds. Decoding accepts both, so a
 * session read with GET can be sent back with PUT; any other field is refused. Enum values are written in
 * upper case and read in any case.
 */
public final class MirrorSessionCodec extends JsonCodec<MirrorSession> {
    static final String ID = "id";
    static final String NAME = "name";
    static final String SOURCES = "sources";
    static final String MONITORS = "monitors";
    static final String TAP_AT = "tapAt";
    static final String DIRECTION = "direction";
    static final String FILTER = "filter";
    static final String SAMPLE_EVERY = "sampleEvery";
    static final String SNAPLEN = "snaplen";
    static final String VLANS = "vlans";
    static final String ADMIN_STATE = "adminState";
    static final String OPER_STATE = "operState";
    static final String TAP_POINTS = "tapPoints";
    static final String MONITOR_POINTS = "monitorPoints";
    static final String HOSTS = "hosts";
    static final String COUNTERS = "counters";
    static final String CREATED = "created";
    static final String UPDATED = "updated";

    private static final Set<String> FIELDS = Set.of(ID, NAME, SOURCES, MONITORS, TAP_AT, DIRECTION, FILTER,
            SAMPLE_EVERY, SNAPLEN, VLANS, ADMIN_STATE, OPER_STATE, TAP_POINTS, MONITOR_POINTS, HOSTS, COUNTERS, CREATED,
            UPDATED);
    private static final int MAX_SNAPLEN = 65535;
    private static final int MAX_VLAN = 4094;

    @Override
    public ObjectNode encode(MirrorSession s, CodecContext context) {
        ObjectNode json = context.mapper().createObjectNode();
        if (s.id() != null) {
            json.put(ID, s.id().id());
        }
        json.put(NAME, s.name());
        ArrayNode sources = json.putArray(SOURCES);
        s.sources().forEach(e -> sources.add(e.toString()));
        ArrayNode monitors = json.putArray(MONITORS);
        s.monitors().forEach(e -> monitors.add(e.toString()));
        json.put(TAP_AT, s.tapAt().name()).put(DIRECTION, s.direction().name());
        json.set(FILTER, context.codec(MirrorFilter.class).encode(s.filter(), context));
        json.put(SAMPLE_EVERY, s.sampleEvery()).put(SNAPLEN, s.snaplen());
        ArrayNode vlans = json.putArray(VLANS);
        s.vlans().forEach(vlans::add);
        json.put(ADMIN_STATE, s.adminState().name()).put(OPER_STATE, s.operState().name());
        json.set(TAP_POINTS, context.codec(TapPoint.class).encode(s.tapPoints(), context));
        json.set(MONITOR_POINTS, context.codec(MonitorPoint.class).encode(s.monitorPoints(), context));
        json.set(HOSTS, hosts(s, context));
        json.set(COUNTERS, context.codec(MirrorCounters.class).encode(s.counters(), context));
        return json.put(CREATED, s.created()).put(UPDATED, s.updated());
    }

    /**
     * Encodes a session's state per host: an object keyed by agent id, sorted.
     *
     * @param s       session
     * @param context codec context
     * @return the hosts' states
     */
    static ObjectNode hosts(MirrorSession s, CodecContext context) {
        ObjectNode hosts = context.mapper().createObjectNode();
        s.hostStates().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                hosts.set(e.getKey(), context.codec(HostState.class).encode(e.getValue(), context)));
        return hosts;
    }

    @Override
    public MirrorSession decode(ObjectNode json, CodecContext context) {
        JsonFields f = JsonFields.of(json, FIELDS);
        MirrorSession.Builder b = MirrorSession.builder()
                .name(f.requiredText(NAME))
                .sources(f.list(SOURCES, e -> JsonFields.within(e.path(), () -> MirrorEndpoint.parse(e.text()))))
                .monitors(f.list(MONITORS, e -> JsonFields.within(e.path(), () -> MirrorEndpoint.parse(e.text()))))
                .tapAt(f.choice(TAP_AT, TapAt.class).orElse(TapAt.FRONT_END))
                .direction(f.choice(DIRECTION, Direction.class).orElse(Direction.BOTH))
                .filter(f.decoded(FILTER, MirrorFilter.class, context).orElse(MirrorFilter.ANY))
                .sampleEvery(f.integer(SAMPLE_EVERY, 1, 1, Integer.MAX_VALUE))
                .snaplen(f.integer(SNAPLEN, 0, 0, MAX_SNAPLEN))
                .vlans(f.list(VLANS, e -> e.integer(1, MAX_VLAN)))
                .adminState(f.choice(ADMIN_STATE, AdminState.class).orElse(AdminState.ENABLED))
                .tapPoints(f.list(TAP_POINTS, e -> JsonFields.decode(context, TapPoint.class, e.object(), e.path())))
                .monitorPoints(f.list(MONITOR_POINTS,
                        e -> JsonFields.decode(context, MonitorPoint.class, e.object(), e.path())))
                .hostStates(hostStates(f, context))
                .created(f.count(CREATED)).updated(f.count(UPDATED));
        f.text(ID).ifPresent(id -> b.id(JsonFields.within(ID, () -> MirrorSessionId.of(id))));
        return b.build();
    }

    private static Map<String, HostState> hostStates(JsonFields f, CodecContext context) {
        Map<String, HostState> states = new LinkedHashMap<>();
        f.object(HOSTS).ifPresent(hosts -> {
            Iterator<Map.Entry<String, JsonNode>> it = hosts.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = HOSTS + "." + e.getKey();
                if (!e.getValue().isObject()) {
                    throw ApiError.badField(path, "must be an object");
                }
                states.put(e.getKey(), JsonFields.decode(context, HostState.class, (ObjectNode) e.getValue(), path));
            }
        });
        return states;
    }
}
