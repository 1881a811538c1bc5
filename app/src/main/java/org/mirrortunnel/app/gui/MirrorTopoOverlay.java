package org.mirrortunnel.app.gui;

import org.mirrortunnel.app.api.MirrorService;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.OperState;
import org.onosproject.net.HostId;
import org.onosproject.ui.UiTopoOverlay;
import org.onosproject.ui.topo.ButtonId;
import org.onosproject.ui.topo.PropertyPanel;

import java.util.Collection;

/**
 * The topology overlay {@code mirror-overlay}: mirror counts in the summary panel, and on a host's details the
 * buttons that pick it as the source and the monitor of a new session.
 */
public class MirrorTopoOverlay extends UiTopoOverlay {
    /** The overlay's id, as the client registers it. */
    public static final String OVERLAY_ID = "mirror-overlay";
    static final ButtonId MIRROR_FROM = new ButtonId("mirrorFrom");
    static final ButtonId MIRROR_TO = new ButtonId("mirrorTo");
    static final String SESSIONS = "Mirror sessions";
    static final String ACTIVE = "Mirroring";

    private final MirrorService service;
    private final SessionStates states = new SessionStates();

    /**
     * Creates the overlay.
     *
     * @param service the mirror service
     */
    public MirrorTopoOverlay(MirrorService service) {
        super(OVERLAY_ID);
        this.service = service;
    }

    @Override
    public void modifySummary(PropertyPanel pp) {
        Collection<MirrorSession> sessions = service.getSessions();
        pp.addSeparator().addProp(SESSIONS, SESSIONS, sessions.size())
                .addProp(ACTIVE, ACTIVE, sessions.stream().filter(s -> states.state(s) == OperState.ACTIVE).count());
    }

    @Override
    public void modifyHostDetails(PropertyPanel pp, HostId hostId) {
        pp.addButton(MIRROR_FROM).addButton(MIRROR_TO);
    }
}
