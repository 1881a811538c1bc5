package org.mirrortunnel.app.gui;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.onlab.junit.TestUtils;
import org.onosproject.net.intent.MockIdGenerator;
import org.onosproject.ui.UiExtension;
import org.onosproject.ui.UiExtensionServiceAdapter;
import org.onosproject.ui.UiMessageHandler;
import org.onosproject.ui.UiTopoOverlay;
import org.onosproject.ui.UiView;
import org.onosproject.ui.topo.ButtonId;
import org.onosproject.ui.topo.PropertyPanel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * The GUI extension: registered on activate and removed on deactivate, with its views, pages, handlers and
 * overlay found where ONOS's classic GUI looks for them.
 */
public class MirrorGuiComponentTest {
    private GuiFixture fx;
    private final List<UiExtension> registered = new ArrayList<>();
    private final MirrorGuiComponent component = new MirrorGuiComponent();

    @Before
    public void setUp() {
        MockIdGenerator.cleanBind();
        fx = new GuiFixture();
        TestUtils.setField(component, "mirrorService", fx.ctx.manager);
        TestUtils.setField(component, "uiExtensionService", new UiExtensionServiceAdapter() {
            @Override
            public void register(UiExtension extension) {
                registered.add(extension);
            }

            @Override
            public void unregister(UiExtension extension) {
                registered.remove(extension);
            }
        });
    }

    @After
    public void tearDown() {
        fx.stop();
        MockIdGenerator.unbind();
    }

    private static String text(InputStream in) throws IOException {
        assertNotNull(in);
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    public void activateRegistersTheViewsAndDeactivateRemovesThem() throws IOException {
        component.activate();
        assertEquals(1, registered.size());
        UiExtension ext = registered.get(0);

        assertEquals(List.of("mirrorSessions", "mirrorTopov"),
                ext.views().stream().map(UiView::id).collect(Collectors.toList()));
        assertEquals(UiView.Category.NETWORK, ext.views().get(0).category());
        assertEquals(UiView.Category.HIDDEN, ext.views().get(1).category());
        assertThat(text(ext.js()), containsString("app/view/mirrorSessions/mirrorSessions.js"));
        assertThat(text(ext.js()), containsString("app/view/mirrorTopov/mirrorTopov.js"));
        assertThat(text(ext.css()), containsString("app/view/mirrorSessions/mirrorSessions.css"));
        assertThat(text(ext.resource("mirrorSessions", "mirrorSessions.html")), containsString("ov-mirror-sessions"));
        assertThat(text(ext.resource("mirrorSessions", "mirrorSessions.js")), containsString("OvMirrorSessionsCtrl"));
        assertThat(text(ext.resource("mirrorTopov", "mirrorTopov.js")),
                containsString(MirrorTopoOverlay.OVERLAY_ID));

        List<UiMessageHandler> handlers = new ArrayList<>(ext.messageHandlerFactory().newHandlers());
        assertTrue(handlers.get(0) instanceof MirrorSessionsMessageHandler);
        assertTrue(handlers.get(1) instanceof MirrorTopoMessageHandler);
        UiTopoOverlay overlay = ext.topoOverlayFactory().newOverlays().iterator().next();
        assertEquals("mirror-overlay", overlay.id());

        component.deactivate();
        assertTrue(registered.isEmpty());
    }

    @Test
    public void overlayCountsSessionsAndOffersTheMirrorButtonsOnHosts() {
        fx.addSampleSessions();
        MirrorTopoOverlay overlay = new MirrorTopoOverlay(fx.ctx.manager);

        PropertyPanel summary = new PropertyPanel("ONOS Summary", "node");
        overlay.modifySummary(summary);
        assertEquals("2", value(summary, MirrorTopoOverlay.SESSIONS));
        assertEquals("1", value(summary, MirrorTopoOverlay.ACTIVE));

        PropertyPanel host = new PropertyPanel("host", "endstation");
        overlay.modifyHostDetails(host, org.onosproject.net.HostId.hostId(GuiFixture.NSF_A));
        assertEquals(List.of(new ButtonId("mirrorFrom"), new ButtonId("mirrorTo")), host.buttons());
    }

    private static String value(PropertyPanel pp, String key) {
        return pp.properties().stream().filter(p -> key.equals(p.key())).findFirst().orElseThrow().value();
    }
}
