package org.mirrortunnel.app.gui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import org.onosproject.net.Device;
import org.onosproject.net.Host;
import org.onosproject.net.HostId;
import org.onosproject.net.Link;
import org.onosproject.net.LinkKey;
import org.onosproject.net.device.DeviceService;
import org.onosproject.net.host.HostService;
import org.onosproject.net.link.LinkService;
import org.onosproject.ui.JsonUtils;
import org.onosproject.ui.RequestHandler;
import org.onosproject.ui.UiMessageHandler;
import org.onosproject.ui.UiTopoOverlay;
import org.onosproject.ui.topo.PropertyPanel;
import org.onosproject.ui.topo.TopoJson;
import org.onosproject.ui.topo.TopoUtils;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Stands in for ONOS's own topology view handler, which the app does not provide: it sends the fixture's
 * devices, hosts and links, and answers the summary and a host's details, each modified by the app's overlay,
 * as ONOS's handler does for the overlay the user picked.
 */
final class TopoStandIn extends UiMessageHandler {
    /** Where the topology page draws each node. */
    private static final Map<String, int[]> LAYOUT = Map.of(
            "of:" + GuiFixture.S1, new int[]{160, 160}, "of:" + GuiFixture.S2, new int[]{380, 160},
            "of:" + GuiFixture.S3, new int[]{600, 160}, "of:" + GuiFixture.S4, new int[]{380, 330});

    private final UiTopoOverlay overlay;

    /**
     * Creates the stand-in.
     *
     * @param overlay the app's overlay, as the user picked it
     */
    TopoStandIn(UiTopoOverlay overlay) {
        this.overlay = overlay;
    }

    @Override
    protected Collection<RequestHandler> createRequestHandlers() {
        return ImmutableSet.of(new Start(), new Summary(), new Details());
    }

    private void send(String event, ObjectNode payload) {
        sendMessage(JsonUtils.envelope(event, payload));
    }

    private final class Start extends RequestHandler {
        private Start() {
            super("topoStart");
        }

        @Override
        public void process(ObjectNode payload) {
            for (Device d : get(DeviceService.class).getDevices()) {
                int[] xy = LAYOUT.get(d.id().toString());
                send("addDevice", objectNode().put("id", d.id().toString()).put("x", xy[0]).put("y", xy[1]));
            }
            Map<String, Integer> perDevice = new HashMap<>();
            for (Host h : get(HostService.class).getHosts()) {
                String device = h.location().deviceId().toString();
                int[] xy = LAYOUT.get(device);
                int n = perDevice.merge(device, 1, Integer::sum) - 1;
                send("addHost", objectNode().put("id", h.id().toString()).put("device", device)
                        .put("x", xy[0] - 60 + 120 * n).put("y", xy[1] + (device.endsWith("4") ? 110 : -110)));
            }
            Set<LinkKey> seen = new LinkedHashSet<>();
            for (Link l : get(LinkService.class).getLinks()) {
                LinkKey key = TopoUtils.canonicalLinkKey(l);
                if (seen.add(key)) {
                    send("addLink", objectNode().put("id", key.asId()).put("src", key.src().deviceId().toString())
                            .put("dst", key.dst().deviceId().toString()));
                }
            }
        }
    }

    private final class Summary extends RequestHandler {
        private Summary() {
            super("requestSummary");
        }

        @Override
        public void process(ObjectNode payload) {
            PropertyPanel pp = new PropertyPanel("ONOS Summary", "node")
                    .addProp("devices", "Devices", 4).addProp("hosts", "Hosts", 5);
            overlay.modifySummary(pp);
            send("showSummary", TopoJson.json(pp));
        }
    }

    private final class Details extends RequestHandler {
        private Details() {
            super("requestDetails");
        }

        @Override
        public void process(ObjectNode payload) {
            HostId id = HostId.hostId(string(payload, "id"));
            Host h = get(HostService.class).getHost(id);
            PropertyPanel pp = new PropertyPanel(id.toString(), "endstation").id(id.toString())
                    .addProp("mac", "MAC", h.mac().toString())
                    .addProp("location", "Location", h.location().toString());
            overlay.modifyHostDetails(pp, id);
            send("showDetails", TopoJson.json(pp));
        }
    }
}
