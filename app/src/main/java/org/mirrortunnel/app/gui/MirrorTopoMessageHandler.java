package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.TapPoint;
import org.mirrortunnel.app.web.ApiError;
import org.mirrortunnel.app.web.SessionRequests;
import org.onosproject.net.HostId;
import org.onosproject.ui.JsonUtils;
import org.onosproject.ui.RequestHandler;
import org.onosproject.ui.UiMessageHandler;
import org.onosproject.ui.topo.Highlights;
import org.onosproject.ui.topo.TopoJson;
import org.onosproject.ui.topo.TopoUtils;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import static org.mirrortunnel.app.gui.MirrorSessionsMessageHandler.ERROR;
import static org.mirrortunnel.app.gui.MirrorSessionsMessageHandler.ID;
import static org.mirrortunnel.app.gui.MirrorSessionsMessageHandler.NAME;
import static org.mirrortunnel.app.gui.MirrorSessionsMessageHandler.OK;
import static org.mirrortunnel.app.gui.MirrorSessionsMessageHandler.STATE;
import static org.mirrortunnel.app.gui.MirrorSessionsMessageHandler.errorBody;

/**
 * The topology overlay's messages: the sessions to choose from, the chosen session's highlights (its hosts,
 * the links of its copies labelled with the mirrored rate) and summary, and a session created from a source
 * host and a monitor host picked on the map.
 */
public class MirrorTopoMessageHandler extends UiMessageHandler {
    static final String START = "mirrorTopoStart";
    static final String SELECT = "mirrorTopoSelect";
    static final String REFRESH = "mirrorTopoRefresh";
    static final String STOP = "mirrorTopoStop";
    static final String CREATE = "mirrorTopoCreate";
    static final String SESSIONS = "mirrorTopoSessions";
    static final String SUMMARY = "mirrorTopoSummary";
    static final String CREATE_RESP = "mirrorTopoCreateResponse";
    static final String SOURCE = "source";
    static final String MONITOR = "monitor";
    static final String SELECTED = "selected";

    private final SessionStates states = new SessionStates();
    private final MirrorRates rates;
    private String selected;

    /**
     * Creates the handler with the system clock.
     */
    public MirrorTopoMessageHandler() {
        this(System::currentTimeMillis);
    }

    /**
     * Creates the handler.
     *
     * @param clock milliseconds, for the rates
     */
    MirrorTopoMessageHandler(LongSupplier clock) {
        this.rates = new MirrorRates(clock);
    }

    @Override
    protected Collection<RequestHandler> createRequestHandlers() {
        return ImmutableSet.of(new Handler(START, p -> sendSessions()),
                new Handler(SELECT, p -> select(text(p, ID))),
                new Handler(REFRESH, p -> {
                    sendSessions();
                    sendSelected();
                }),
                new Handler(STOP, p -> select(null)),
                new Handler(CREATE, this::create));
    }

    private void select(String id) {
        selected = id;
        sendSelected();
    }

    private void sendSessions() {
        ObjectNode root = objectNode().put(SELECTED, selected);
        ArrayNode list = root.putArray("sessions");
        get(MirrorAdminService.class).getSessions().stream().sorted(Comparator.comparing(MirrorSession::name))
                .forEach(s -> list.addObject().put(ID, s.id().id()).put(NAME, s.name())
                        .put(STATE, states.state(s).name()));
        send(SESSIONS, root);
    }

    private void sendSelected() {
        Optional<MirrorSession> session = Optional.ofNullable(selected).flatMap(this::session);
        if (session.isEmpty()) {
            selected = null;
            sendMessage(TopoJson.highlightsMessage(new Highlights()));
            send(SUMMARY, objectNode());
            return;
        }
        MirrorSession s = session.get();
        SessionTopology topology = SessionTopology.of(s, directory());
        Map<String, HostState> hosts = states.hosts(s);
        Map<String, Long> pps = new HashMap<>();
        long total = 0;
        for (String agent : s.tapPoints().stream().map(TapPoint::agentId).distinct().collect(Collectors.toList())) {
            HostState h = hosts.get(agent);
            long rate = rates.rate(s.id().id() + "/" + agent, h == null ? 0 : h.counters().mirrored());
            pps.put(agent, rate);
            total += rate;
        }
        sendMessage(TopoJson.highlightsMessage(topology.highlights(pps)));
        ObjectNode summary = objectNode().put(ID, s.id().id()).put(NAME, s.name())
                .put(STATE, states.state(s).name()).put("admin", s.adminState().name())
                .put("vlans", SessionText.vlans(s.vlans()))
                .put("links", topology.linksBySource().values().stream().mapToInt(Collection::size).sum())
                .put("rate", TopoUtils.formatPacketRate(total).toString());
        ArrayNode sources = summary.putArray("sources");
        topology.sources().forEach(h -> sources.add(h.toString()));
        ArrayNode monitors = summary.putArray("monitors");
        topology.monitors().forEach(h -> monitors.add(h.toString()));
        send(SUMMARY, summary);
    }

    private Optional<MirrorSession> session(String id) {
        try {
            return get(MirrorAdminService.class).getSession(MirrorSessionId.of(id));
        } catch (MirrorException e) {
            return Optional.empty();
        }
    }

    private void create(ObjectNode payload) {
        ObjectNode root = objectNode();
        try {
            ObjectNode request = objectNode();
            Optional.ofNullable(text(payload, NAME)).ifPresent(n -> request.put(NAME, n));
            request.putArray("sources").add(hostEndpoint(payload, SOURCE));
            request.putArray("monitors").add(hostEndpoint(payload, MONITOR));
            MirrorAdminService admin = get(MirrorAdminService.class);
            MirrorSession created = admin.createSession(
                    SessionRequests.decode(request, getJsonCodecContext(), admin));
            root.put(OK, true).put(ID, created.id().id()).put(NAME, created.name());
            send(CREATE_RESP, root);
            selected = created.id().id();
            sendSessions();
            sendSelected();
        } catch (ApiError | MirrorException e) {
            root.put(OK, false).set(ERROR, errorBody(e));
            send(CREATE_RESP, root);
        }
    }

    private void send(String event, ObjectNode payload) {
        sendMessage(JsonUtils.envelope(event, payload));
    }

    private static String text(ObjectNode payload, String field) {
        return payload.path(field).isTextual() ? payload.get(field).textValue() : null;
    }

    /** Names the host the topology view selected the way a session request names it, by MAC. */
    private String hostEndpoint(ObjectNode payload, String field) {
        String id = Optional.ofNullable(text(payload, field)).orElse("");
        try {
            return "host:" + HostId.hostId(id).mac();
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(field, "not a host of the topology: '" + id + "'");
        }
    }

    /** One event, handled by a method of this handler. */
    private final class Handler extends RequestHandler {
        private final Consumer<ObjectNode> action;

        private Handler(String event, Consumer<ObjectNode> action) {
            super(event);
            this.action = action;
        }

        @Override
        public void process(ObjectNode payload) {
            action.accept(payload);
        }
    }
}
