package org.mirrortunnel.app.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.VlanRange;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import java.util.Map;
import java.util.TreeMap;

/**
 * The VLAN pool: its range, the VLANs sessions hold and how many ids of the pool are free.
 */
@Path("v1/vlan-pool")
public class VlanPoolWebResource extends MirrorWebResource {

    /**
     * Gets the VLAN pool. Used lists every VLAN a session holds, with the session, in VLAN order; a session
     * may hold a VLAN outside the pool (inPool false). Free counts the pool's ids no session holds.
     *
     * @return 200 OK with first, last, size, used and free
     * @onos.rsModel VlanPool
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response getVlanPool() {
        MirrorService service = get(MirrorService.class);
        VlanRange pool = service.vlanPool();
        Map<Integer, MirrorSession> holders = new TreeMap<>();
        service.getSessions().forEach(s -> s.vlans().forEach(v -> holders.put(v, s)));
        ObjectNode root = mapper().createObjectNode().put("first", pool.first()).put("last", pool.last())
                .put("size", pool.size());
        ArrayNode used = root.putArray("used");
        holders.forEach((vlan, s) -> used.addObject().put("vlan", vlan).put("inPool", inPool(pool, vlan))
                .put("session", s.id().id()).put("name", s.name()));
        root.put("free", pool.size() - holders.keySet().stream().filter(v -> inPool(pool, v)).count());
        return ok(root).build();
    }

    private static boolean inPool(VlanRange pool, int vlan) {
        return vlan >= pool.first() && vlan <= pool.last();
    }
}
