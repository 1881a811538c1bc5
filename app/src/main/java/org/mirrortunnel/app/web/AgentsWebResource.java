package org.mirrortunnel.app.web;

import org.mirrortunnel.app.api.AgentStatus;
import org.mirrortunnel.app.api.MirrorService;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * Host agents: inventory (VFs and their roles), health (connected, last error, owning ONOS node) and
 * capabilities (version, NIC driver).
 */
@Path("v1/agents")
public class AgentsWebResource extends MirrorWebResource {

    /**
     * Lists the host agents, sorted by id.
     *
     * @return 200 OK with the agents
     * @onos.rsModel Agents
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response getAgents() {
        return ok(encodeArray(AgentStatus.class, "agents", get(MirrorService.class).getAgents().stream()
                .sorted(Comparator.comparing(AgentStatus::agentId)).collect(Collectors.toList()))).build();
    }

    /**
     * Gets one host agent.
     *
     * @param id agent id
     * @return 200 OK with the agent; 404 when the cluster does not know it
     * @onos.rsModel Agent
     */
    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response getAgent(@PathParam("id") String id) {
        AgentStatus agent = get(MirrorService.class).getAgents().stream().filter(a -> a.agentId().equals(id))
                .findFirst().orElseThrow(() -> new ApiError(Response.Status.NOT_FOUND, null, "no agent " + id));
        return ok(codec(AgentStatus.class).encode(agent, this)).build();
    }
}
