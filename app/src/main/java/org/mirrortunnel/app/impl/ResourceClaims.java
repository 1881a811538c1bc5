package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.api.MirrorResource;
import org.mirrortunnel.app.api.MirrorSession;
import org.mirrortunnel.app.api.MirrorSessionId;
import org.mirrortunnel.app.api.MirrorStore;
import org.mirrortunnel.app.api.TapPoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The resources one create or update of a session claims, so that a failed call releases exactly what it
 * claimed itself and nothing the session still holds. A resource may be used when the call claims it now, or
 * when the session already held it in the version the call read; one the session holds outside that version
 * belongs to a concurrent call on the same session, and the call must start again.
 */
final class ResourceClaims {
    private final MirrorStore store;
    private final MirrorSessionId owner;
    private final Set<MirrorResource> committed;
    private final List<MirrorResource> claimed = new ArrayList<>();

    /**
     * Starts the claims of one call.
     *
     * @param store  the store
     * @param owner  the session
     * @param before the session's stored definition, null for a new session
     */
    ResourceClaims(MirrorStore store, MirrorSessionId owner, MirrorSession before) {
        this.store = store;
        this.owner = owner;
        this.committed = before == null ? Set.of() : resourcesOf(before);
    }

    /**
     * Returns the resources a session holds: its name, its VLANs and the tunnel VFs of its sources.
     *
     * @param session session
     * @return resources
     */
    static Set<MirrorResource> resourcesOf(MirrorSession session) {
        Set<MirrorResource> resources = new HashSet<>();
        resources.add(MirrorResource.name(session.name()));
        session.vlans().forEach(v -> resources.add(MirrorResource.vlan(v)));
        for (TapPoint p : session.tapPoints()) {
            resources.add(MirrorResource.tunnel(p.agentId(), p.tunnel()));
        }
        return resources;
    }

    /**
     * Claims a resource for this call.
     *
     * @param resource the resource
     * @return empty when the call may use it; the other session that holds it otherwise
     * @throws ConcurrentChange when a concurrent call on the same session holds it
     */
    Optional<MirrorSessionId> claim(MirrorResource resource) {
        Optional<MirrorSessionId> holder = store.claim(resource, owner);
        if (holder.isEmpty()) {
            claimed.add(resource);
            return holder;
        }
        if (!holder.get().equals(owner)) {
            return holder;
        }
        if (!committed.contains(resource)) {
            throw new ConcurrentChange();
        }
        return Optional.empty();
    }

    /** Releases what this call claimed. */
    void rollback() {
        store.release(owner, claimed);
        claimed.clear();
    }

    /** Another call on the same session got in between: start again from the stored version. */
    static final class ConcurrentChange extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConcurrentChange() {
            super(null, null, false, false);
        }
    }
}
