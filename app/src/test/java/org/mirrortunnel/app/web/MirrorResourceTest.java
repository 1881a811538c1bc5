package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.After;
import org.junit.Before;
import org.mirrortunnel.app.api.MirrorAdminService;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.impl.MirrorTestContext;
import org.onlab.junit.TestUtils;
import org.onlab.osgi.TestServiceDirectory;
import org.onlab.packet.IpAddress;
import org.onlab.rest.AuthorizationFilter;
import org.onosproject.codec.CodecService;
import org.onosproject.net.Host;
import org.onosproject.net.host.HostServiceAdapter;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.rest.resources.ResourceTest;

import javax.ws.rs.core.Response;
import java.io.IOException;
import java.util.Set;

import static org.junit.Assert.assertEquals;

/**
 * The REST application served by Jersey over the real mirror manager and store (on test storage), with
 * agents "host1" (tunnels in namespaces nsf1 and nsf2), "host2" (no tunnel) and "host3" (a tunnel in nsf1),
 * each with a monitor VF mon0 and an uplink in the network config, all connected.
 */
abstract class MirrorResourceTest extends ResourceTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    MirrorTestContext ctx;

    MirrorResourceTest() {
        super(ResourceConfig.forApplicationClass(MirrorWebApplication.class));
    }

    @Before
    public void setUpServices() {
        AuthorizationFilter.disableForTests();
        MockIdGenerator.cleanBind();
        ctx = new MirrorTestContext();
        ctx.addAgent("host1", "nsf1", "nsf2");
        ctx.addAgent("host2");
        ctx.addAgent("host3", "nsf1");
        StringBuilder agents = new StringBuilder("{");
        for (int i = 1; i <= 3; i++) {
            agents.append(i == 1 ? "" : ", ").append("\"host").append(i).append("\": {\"address\": \"127.0.0.1:")
                    .append(i).append("\", \"plaintext\": true, \"uplink\": \"of:000000000000000").append(i)
                    .append("/1\"}");
        }
        ctx.netcfg.agents(agents.append('}').toString());
        TestUtils.setField(ctx.manager, "hostService", new HostServiceAdapter() {
            @Override
            public Set<Host> getHostsByIp(IpAddress ip) {
                return Set.of();
            }
        });
        setServiceDirectory(new TestServiceDirectory()
                .add(MirrorService.class, ctx.manager)
                .add(MirrorAdminService.class, ctx.manager)
                .add(CodecService.class, new TestCodecs().manager));
    }

    @After
    public void tearDownServices() {
        ctx.stop();
        MockIdGenerator.unbind();
    }

    /**
     * Reads a response's JSON body and checks its status.
     *
     * @param response the response
     * @param status   the status expected
     * @return the body
     */
    static JsonNode json(Response response, int status) {
        String body = response.readEntity(String.class);
        assertEquals(body, status, response.getStatus());
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /**
     * Checks a response is an error of the API's model.
     *
     * @param response the response
     * @param status   the status expected
     * @param field    the field expected at fault, null for none
     * @return the error's message
     */
    static String error(Response response, int status, String field) {
        JsonNode e = json(response, status);
        assertEquals(e.toString(), status, e.path("code").asInt());
        assertEquals(e.toString(), field, e.path("field").isNull() ? null : e.path("field").asText());
        return e.path("message").asText();
    }
}
