package org.mirrortunnel.app.gui;

import org.onosproject.net.Link;
import org.onosproject.net.LinkKey;
import org.onosproject.ui.topo.BiLink;
import org.onosproject.ui.topo.BiLinkMap;
import org.onosproject.ui.topo.LinkHighlight;
import org.onosproject.ui.topo.TopoUtils;

/**
 * A link, both directions, that carries a session's copies, labelled with the rate mirrored onto it.
 */
final class MirrorLink extends BiLink {
    private long pps;

    private MirrorLink(LinkKey key, Link link) {
        super(key, link);
    }

    /**
     * Adds the rate of one source's copies.
     *
     * @param packetsPerSecond copies per second
     */
    void addRate(long packetsPerSecond) {
        pps += packetsPerSecond;
    }

    @Override
    public LinkHighlight highlight(Enum<?> type) {
        LinkHighlight h = new LinkHighlight(linkId(), LinkHighlight.Flavor.PRIMARY_HIGHLIGHT)
                .setLabel(TopoUtils.formatPacketRate(pps).toString());
        return pps > 0 ? h.addMod(LinkHighlight.MOD_ANIMATED) : h;
    }

    /**
     * The links of one session.
     */
    static final class Links extends BiLinkMap<MirrorLink> {
        @Override
        protected MirrorLink create(LinkKey key, Link link) {
            return new MirrorLink(key, link);
        }
    }
}
