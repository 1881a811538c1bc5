package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.MirrorEndpoint;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.codec.CodecContext;

import javax.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a session request sent as JSON the way the REST API does, for every client that sends one (REST, the
 * GUI): the codec's strict decoding, then the agents its endpoints name. Refusals are {@link ApiError}s.
 */
public final class SessionRequests {
    private SessionRequests() {
    }

    /**
     * Decodes a request to create a session and checks its agents.
     *
     * @param json    the session's definition, as POST sessions takes it
     * @param context codec context holding the mirror codecs
     * @param service the mirror service, for the agents
     * @return the request
     * @throws ApiError 400 naming the field at fault, 503 when no agent of the session is reachable
     */
    public static MirrorSession decode(ObjectNode json, CodecContext context, MirrorService service) {
        MirrorSession request = context.codec(MirrorSession.class).decode(json, context);
        requireReachableAgent(request, service);
        return request;
    }

    /**
     * Refuses, with 400, endpoints on agents the cluster does not know and, with 503, a request none of whose
     * agents is reachable: none of the agents its agent:ifname endpoints name is connected or, when it names
     * hosts only, no agent at all is connected.
     *
     * @param request the session asked for
     * @param service the mirror service, for the agents
     */
    static void requireReachableAgent(MirrorSession request, MirrorService service) {
        Map<String, AgentStatus> agents = service.getAgents().stream()
                .collect(Collectors.toMap(AgentStatus::agentId, Function.identity()));
        checkKnown(request.sources(), MirrorSessionCodec.SOURCES, agents);
        checkKnown(request.monitors(), MirrorSessionCodec.MONITORS, agents);
        List<AgentStatus> named = Stream.concat(request.sources().stream(), request.monitors().stream())
                .flatMap(e -> e.agentId().stream()).distinct().map(agents::get).collect(Collectors.toList());
        boolean reachable = (named.isEmpty() ? agents.values() : named).stream().anyMatch(AgentStatus::connected);
        if (!reachable) {
            throw new ApiError(Response.Status.SERVICE_UNAVAILABLE, null, "no agent of the session is reachable: "
                    + (named.isEmpty() ? "no agent is connected" : named.stream().map(a -> a.agentId() + " ("
                    + a.message() + ")").collect(Collectors.joining(", "))));
        }
    }

    private static void checkKnown(List<MirrorEndpoint> endpoints, String field, Map<String, AgentStatus> agents) {
        for (int i = 0; i < endpoints.size(); i++) {
            Optional<String> agent = endpoints.get(i).agentId();
            if (agent.isPresent() && !agents.containsKey(agent.get())) {
                throw ApiError.badField(field + "[" + i + "]", "unknown agent '" + agent.get() + "'");
            }
        }
    }
}
