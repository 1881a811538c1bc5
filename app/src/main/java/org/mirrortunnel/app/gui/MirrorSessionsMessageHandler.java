package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import org.mirrortunnel.app.api.HostState;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.web.ApiError;
import org.mirrortunnel.app.web.ErrorMappers;
import org.mirrortunnel.app.web.SessionRequests;
import org.onosproject.ui.RequestHandler;
import org.onosproject.ui.UiMessageHandler;
import org.onosproject.ui.table.TableModel;
import org.onosproject.ui.table.TableRequestHandler;

import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * The Mirror Sessions view's messages: the table, a session's details, enable / disable / remove, and adding a
 * session from the same JSON, checks and error model as the REST API's POST sessions.
 */
public class MirrorSessionsMessageHandler extends UiMessageHandler {
    static final String DATA_REQ = "mirrorSessionDataRequest";
    static final String DATA_RESP = "mirrorSessionDataResponse";
    static final String SESSIONS = "mirrorSessions";
    static final String DETAILS_REQ = "mirrorSessionDetailsRequest";
    static final String DETAILS_RESP = "mirrorSessionDetailsResponse";
    static final String ACTION_REQ = "mirrorSessionActionRequest";
    static final String ACTION_RESP = "mirrorSessionActionResponse";
    static final String ADD_REQ = "mirrorSessionAddRequest";
    static final String ADD_RESP = "mirrorSessionAddResponse";

    static final String ID = "id";
    static final String NAME = "name";
    static final String VLANS = "vlans";
    static final String SOURCES = "sources";
    static final String MONITORS = "monitors";
    static final String DIRECTION = "direction";
    static final String TAP_AT = "tapAt";
    static final String FILTER = "filter";
    static final String ADMIN = "admin";
    static final String STATE = "state";
    static final String HOSTS = "hosts";
    static final String MIRRORED = "mirrored";
    static final String DELIVERED = "delivered";
    static final String ERRORS = "errors";
    static final String ACTION = "action";
    static final String SESSION = "session";
    static final String OK = "ok";
    static final String ERROR = "error";
    static final String DETAILS = "details";

    private static final String[] COLUMNS = {ID, NAME, VLANS, SOURCES, MONITORS, DIRECTION, FILTER, ADMIN, STATE,
        HOSTS, MIRRORED, DELIVERED, ERRORS};

    private final SessionStates states = new SessionStates();

    @Override
    protected Collection<RequestHandler> createRequestHandlers() {
        return ImmutableSet.of(new DataHandler(), new DetailsHandler(), new ActionHandler(), new AddHandler());
    }

    /**
     * Answers a refusal with the REST API's error body.
     *
     * @param e an {@link ApiError} or {@link MirrorException}
     * @return {"code", "message", "field"}
     */
    static ObjectNode errorBody(RuntimeException e) {
        ApiError error = e instanceof ApiError ? (ApiError) e : ApiError.of((MirrorException) e);
        return ErrorMappers.body(error.status(), error.field(), error.getMessage());
    }

    private final class DataHandler extends TableRequestHandler {
        private DataHandler() {
            super(DATA_REQ, DATA_RESP, SESSIONS);
        }

        @Override
        protected String defaultColumnId() {
            return NAME;
        }

        @Override
        protected String[] getColumnIds() {
            return COLUMNS.clone();
        }

        @Override
        protected String noRowsMessage(ObjectNode payload) {
            return "No mirror sessions";
        }

        @Override
        protected void populateTable(TableModel tm, ObjectNode payload) {
            for (MirrorSession s : get(MirrorAdminService.class).getSessions()) {
                MirrorCounters c = states.counters(s);
                tm.addRow().cell(ID, s.id().id()).cell(NAME, s.name()).cell(VLANS, SessionText.vlans(s.vlans()))
                        .cell(SOURCES, SessionText.endpoints(s.sources()))
                        .cell(MONITORS, SessionText.endpoints(s.monitors()))
                        .cell(DIRECTION, s.direction().name()).cell(FILTER, s.filter().toString())
                        .cell(ADMIN, s.adminState().name()).cell(STATE, states.state(s).name())
                        .cell(HOSTS, SessionText.hostStates(states.hosts(s)))
                        .cell(MIRRORED, c.mirrored()).cell(DELIVERED, c.delivered())
                        .cell(ERRORS, c.errors());
            }
        }
    }

    private final class DetailsHandler extends RequestHandler {
        private DetailsHandler() {
            super(DETAILS_REQ);
        }

        @Override
        public void process(ObjectNode payload) {
            String id = string(payload, ID, "");
            ObjectNode root = objectNode().put(ID, id);
            try {
                root.set(DETAILS, details(session(id)));
            } catch (MirrorException e) {
                root.set(ERROR, errorBody(e));
            }
            sendMessage(DETAILS_RESP, root);
        }

        private ObjectNode details(MirrorSession s) {
            ObjectNode d = objectNode().put(ID, s.id().id()).put(NAME, s.name());
            ArrayNode vlans = d.putArray(VLANS);
            s.vlans().forEach(vlans::add);
            ArrayNode sources = d.putArray(SOURCES);
            s.sources().forEach(e -> sources.add(e.toString()));
            ArrayNode monitors = d.putArray(MONITORS);
            s.monitors().forEach(e -> monitors.add(e.toString()));
            d.put(TAP_AT, s.tapAt().name()).put(DIRECTION, s.direction().name()).put(FILTER, s.filter().toString())
                    .put("sampleEvery", s.sampleEvery()).put("snaplen", s.snaplen())
                    .put(ADMIN, s.adminState().name()).put(STATE, states.state(s).name())
                    .put("created", s.created()).put("updated", s.updated());
            ArrayNode taps = d.putArray("tapPoints");
            s.tapPoints().forEach(p -> taps.add(p.toString()));
            ArrayNode mons = d.putArray("monitorPoints");
            s.monitorPoints().forEach(p -> mons.add(p.toString()));
            MirrorCounters total = states.counters(s);
            d.put(MIRRORED, total.mirrored()).put(DELIVERED, total.delivered()).put(ERRORS, total.errors());
            ArrayNode hosts = d.putArray(HOSTS);
            for (Map.Entry<String, HostState> e : states.hosts(s).entrySet()) {
                MirrorCounters c = e.getValue().counters();
                hosts.addObject().put("agent", e.getKey()).put(STATE, e.getValue().state().name())
                        .put("message", e.getValue().message()).put("seen", c.seen()).put(MIRRORED, c.mirrored())
                        .put("filtered", c.filtered()).put("sampled", c.sampled()).put(ERRORS, c.errors())
                        .put(DELIVERED, c.delivered());
            }
            return d;
        }
    }

    private final class ActionHandler extends RequestHandler {
        private ActionHandler() {
            super(ACTION_REQ);
        }

        @Override
        public void process(ObjectNode payload) {
            String action = string(payload, ACTION, "");
            String id = string(payload, ID, "");
            ObjectNode root = objectNode().put(ACTION, action).put(ID, id);
            MirrorAdminService admin = get(MirrorAdminService.class);
            Map<String, Function<MirrorSessionId, MirrorSession>> actions = Map.of("enable", admin::enableSession,
                    "disable", admin::disableSession, "remove", admin::removeSession);
            try {
                Function<MirrorSessionId, MirrorSession> call = actions.get(action);
                if (call == null) {
                    throw ApiError.badField(ACTION, "action must be enable, disable or remove, not '" + action + "'");
                }
                root.put(OK, true).put(NAME, call.apply(session(id).id()).name());
            } catch (ApiError | MirrorException e) {
                root.put(OK, false).set(ERROR, errorBody(e));
            }
            sendMessage(ACTION_RESP, root);
        }
    }

    private final class AddHandler extends RequestHandler {
        private AddHandler() {
            super(ADD_REQ);
        }

        @Override
        public void process(ObjectNode payload) {
            ObjectNode root = objectNode();
            try {
                MirrorAdminService admin = get(MirrorAdminService.class);
                MirrorSession request = SessionRequests.decode(payload.path(SESSION) instanceof ObjectNode
                        ? (ObjectNode) payload.get(SESSION) : null, getJsonCodecContext(), admin);
                MirrorSession created = admin.createSession(request);
                root.put(OK, true).put(ID, created.id().id()).put(NAME, created.name());
            } catch (ApiError | MirrorException e) {
                root.put(OK, false).set(ERROR, errorBody(e));
            }
            sendMessage(ADD_RESP, root);
        }
    }

    private MirrorSession session(String id) {
        return get(MirrorAdminService.class).getSession(MirrorSessionId.of(id))
                .orElseThrow(() -> new MirrorException(MirrorException.Reason.NOT_FOUND, null, "no session " + id));
    }
}
