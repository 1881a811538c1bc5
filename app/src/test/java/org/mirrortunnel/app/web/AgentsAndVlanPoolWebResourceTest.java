package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.Test;
import org.mirrortunnel.app.api.AgentStatus;

import javax.ws.rs.client.Entity;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

/**
 * The agents and VLAN pool resources.
 */
public class AgentsAndVlanPoolWebResourceTest extends MirrorResourceTest {

    @Test
    public void agentsListInventoryHealthAndCapabilities() {
        AgentStatus host2 = ctx.store.getAgent("host2").orElseThrow();
        ctx.store.putAgent(host2.disconnected("deadline exceeded"));
        JsonNode agents = json(target("v1/agents").request().get(), 200).get("agents");
        assertEquals(3, agents.size());
        assertEquals("host1", agents.get(0).get("id").asText());
        assertEquals(3, agents.get(0).get("vfs").size());
        assertEquals("TUNNEL", agents.get(0).get("vfs").get(0).get("role").asText());

        JsonNode one = json(target("v1/agents/host2").request().get(), 200);
        assertFalse(one.get("connected").asBoolean());
        assertEquals("deadline exceeded", one.get("message").asText());
        assertEquals("i40e", one.get("nicDriver").asText());
        error(target("v1/agents/host9").request().get(), 404, null);
    }

    @Test
    public void vlanPoolShowsRangeUsedAndFree() {
        JsonNode empty = json(target("v1/vlan-pool").request().get(), 200);
        assertEquals("{\"first\":3000,\"last\":3999,\"size\":1000,\"used\":[],\"free\":1000}", empty.toString());

        String id = json(target("v1/sessions").request().post(Entity.json("{\"name\": \"web\", "
                + "\"sources\": [\"host1:nsf1/svc0\"], \"monitors\": [\"host1:mon0\"], \"vlans\": [100, 3005]}")),
                201).get("id").asText();
        JsonNode pool = json(target("v1/vlan-pool").request().get(), 200);
        assertEquals("[{\"vlan\":100,\"inPool\":false,\"session\":\"" + id + "\",\"name\":\"web\"},"
                + "{\"vlan\":3005,\"inPool\":true,\"session\":\"" + id + "\",\"name\":\"web\"}]",
                pool.get("used").toString());
        assertEquals(999, pool.get("free").asInt());
    }
}
