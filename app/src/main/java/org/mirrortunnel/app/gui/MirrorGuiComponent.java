package org.mirrortunnel.app.gui;

import org.mirrortunnel.app.api.MirrorService;
import org.onosproject.ui.UiExtension;
import org.onosproject.ui.UiExtensionService;
import org.onosproject.ui.UiView;
import org.onosproject.ui.UiViewHidden;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import java.util.List;

/**
 * Adds the app to ONOS's classic GUI: the Mirror Sessions view, its topology overlay and their message
 * handlers; the pages come from {@code app/view/<view>/} and {@code gui/{css,js}.html} in the bundle.
 */
@Component(immediate = true)
public class MirrorGuiComponent {
    /** The sessions view's id. */
    static final String SESSIONS_VIEW = "mirrorSessions";
    /** The overlay's view id: its scripts live under app/view/mirrorTopov. */
    static final String TOPO_VIEW = "mirrorTopov";

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected UiExtensionService uiExtensionService;

    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected MirrorService mirrorService;

    private UiExtension extension;

    @Activate
    protected void activate() {
        extension = new UiExtension.Builder(getClass().getClassLoader(),
                List.of(new UiView(UiView.Category.NETWORK, SESSIONS_VIEW, "Mirror Sessions"),
                        new UiViewHidden(TOPO_VIEW)))
                .resourcePath("gui")
                .messageHandlerFactory(() -> List.of(new MirrorSessionsMessageHandler(),
                        new MirrorTopoMessageHandler()))
                .topoOverlayFactory(() -> List.of(new MirrorTopoOverlay(mirrorService)))
                .build();
        uiExtensionService.register(extension);
    }

    @Deactivate
    protected void deactivate() {
        uiExtensionService.unregister(extension);
    }
}
