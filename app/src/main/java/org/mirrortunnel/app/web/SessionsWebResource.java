package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorCounters;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;

import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Mirror sessions: list, create, read, change, remove, switch on and off, counters.
 * Errors: 400 bad JSON or field, 404 unknown session, 409 name or VLAN taken or no free tunnel VF,
 * 413 body over 64 KiB, 415 body not JSON, 503 no agent the request names is reachable;
 * the body is {"code", "message", "field"} and nothing was changed.
 */
@Path("v1/sessions")
public class SessionsWebResource extends MirrorWebResource {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    @Context
    private UriInfo uriInfo;

    /**
     * Lists sessions. Sorted by name, a page at a time; filtered by operational state or by an agent that
     * holds a part of the session.
     *
     * @param state  optional: only sessions in this operational state (ACTIVE, DISABLED, PENDING, DEGRADED,
     *               FAILED, in any case)
     * @param agent  optional: only sessions with a source or monitor on this agent
     * @param offset optional: sessions to skip (default 0)
     * @param limit  optional: sessions to return at most, 1..1000 (default 100)
     * @return 200 OK with sessions, total, offset and limit; 400 for a bad query parameter
     * @onos.rsModel SessionPage
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response getSessions(@QueryParam("state") String state, @QueryParam("agent") String agent,
                                @QueryParam("offset") String offset, @QueryParam("limit") String limit) {
        Optional<OperState> wanted = Optional.ofNullable(state).map(s -> query("state", s, v ->
                Arrays.stream(OperState.values()).filter(o -> o.name().equalsIgnoreCase(v)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("must be one of "
                                + Arrays.toString(OperState.values())))));
        int from = offset == null ? 0 : query("offset", offset, v -> bounded(v, 0, Integer.MAX_VALUE));
        int size = limit == null ? DEFAULT_LIMIT : query("limit", limit, v -> bounded(v, 1, MAX_LIMIT));
        List<MirrorSession> matching = get(MirrorAdminService.class).getSessions().stream()
                .filter(s -> wanted.map(w -> s.operState() == w).orElse(true))
                .filter(s -> agent == null || s.agents().contains(agent))
                .sorted(Comparator.comparing(MirrorSession::name))
                .collect(Collectors.toList());
        ObjectNode root = encodeArray(MirrorSession.class, "sessions",
                matching.stream().skip(from).limit(size).collect(Collectors.toList()));
        root.put("total", matching.size()).put("offset", from).put("limit", size);
        return ok(root).build();
    }

    /**
     * Creates a session. Its VLAN comes from the pool unless vlans names free ones. Fields the cluster sets
     * (id, operState, tapPoints, monitorPoints, hosts, counters, created, updated) are ignored.
     *
     * @param body the session's definition
     * @return 201 Created with the session and its Location; 400, 409, 413, 415 or 503 with an error
     * @onos.rsModel SessionRequest
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response createSession(InputStream body) {
        MirrorSession request = SessionRequests.decode(readObject(body), this, get(MirrorAdminService.class));
        MirrorSession created = get(MirrorAdminService.class).createSession(request);
        return Response.created(uriInfo.getAbsolutePathBuilder().path(created.id().id()).build())
                .entity(codec(MirrorSession.class).encode(created, this)).build();
    }

    /**
     * Gets a session.
     *
     * @param id session id
     * @return 200 OK with the session; 404 when there is none
     * @onos.rsModel Error Session
     */
    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getSession(@PathParam("id") String id) {
        return okSession(session(id));
    }

    /**
     * Changes a session's definition. The admin state changes only through enable and disable (absent means
     * unchanged); an id in the body must be the one in the path; other fields the cluster sets are ignored.
     *
     * @param id   session id
     * @param body the session's new definition
     * @return 200 OK with the session; 400, 404, 409, 413, 415 or 503 with an error
     * @onos.rsModel SessionRequest
     */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response updateSession(@PathParam("id") String id, InputStream body) {
        MirrorSession before = session(id);
        ObjectNode json = readObject(body);
        if (!json.hasNonNull(MirrorSessionCodec.ADMIN_STATE)) {
            json.put(MirrorSessionCodec.ADMIN_STATE, before.adminState().name());
        }
        MirrorSession request = codec(MirrorSession.class).decode(json, this);
        if (request.id() != null && !request.id().equals(before.id())) {
            throw ApiError.badField(MirrorSessionCodec.ID, "id " + request.id() + " is not the one in the path");
        }
        if (request.adminState() != before.adminState()) {
            throw ApiError.badField(MirrorSessionCodec.ADMIN_STATE,
                    "the admin state changes through POST sessions/{id}/enable or /disable");
        }
        SessionRequests.requireReachableAgent(request, get(MirrorAdminService.class));
        return okSession(get(MirrorAdminService.class).updateSession(request.toBuilder().id(before.id()).build()));
    }

    /**
     * Removes a session and frees its VLANs.
     *
     * @param id session id
     * @return 204 No Content; 404 when there is none
     */
    @DELETE
    @Path("{id}")
    public Response removeSession(@PathParam("id") String id) {
        get(MirrorAdminService.class).removeSession(session(id).id());
        return Response.noContent().build();
    }

    /**
     * Switches a session on: the tunnel VFs' links come up; nothing else changes.
     *
     * @param id session id
     * @return 200 OK with the session; 404 when there is none
     * @onos.rsModel Session
     */
    @POST
    @Path("{id}/enable")
    @Produces(MediaType.APPLICATION_JSON)
    public Response enableSession(@PathParam("id") String id) {
        return okSession(get(MirrorAdminService.class).enableSession(session(id).id()));
    }

    /**
     * Switches a session off: the tunnel VFs' links go down, the TAPs detach; nothing else changes.
     *
     * @param id session id
     * @return 200 OK with the session; 404 when there is none
     * @onos.rsModel Session
     */
    @POST
    @Path("{id}/disable")
    @Produces(MediaType.APPLICATION_JSON)
    public Response disableSession(@PathParam("id") String id) {
        return okSession(get(MirrorAdminService.class).disableSession(session(id).id()));
    }

    /**
     * Gets a session's counters: the sum over its hosts and each host's state and counters as its agent last
     * reported them.
     *
     * @param id session id
     * @return 200 OK with the counters; 404 when there is none
     * @onos.rsModel SessionStats
     */
    @GET
    @Path("{id}/stats")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getSessionStats(@PathParam("id") String id) {
        MirrorSession s = session(id);
        ObjectNode root = mapper().createObjectNode().put(MirrorSessionCodec.ID, s.id().id())
                .put(MirrorSessionCodec.NAME, s.name()).put(MirrorSessionCodec.OPER_STATE, s.operState().name());
        root.set(MirrorSessionCodec.COUNTERS, codec(MirrorCounters.class).encode(s.counters(), this));
        root.set(MirrorSessionCodec.HOSTS, MirrorSessionCodec.hosts(s, this));
        return ok(root).build();
    }

    private Response okSession(MirrorSession s) {
        return ok(codec(MirrorSession.class).encode(s, this)).build();
    }

    private static <T> T query(String name, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(name, "bad query parameter " + name + "='" + value + "'"
                    + (e.getMessage() == null || e instanceof NumberFormatException ? "" : ": " + e.getMessage()));
        }
    }

    private static int bounded(String value, int min, int max) {
        int v = Integer.parseInt(value.trim());
        if (v < min || v > max) {
            throw new IllegalArgumentException("must be " + min + ".." + max);
        }
        return v;
    }
}
