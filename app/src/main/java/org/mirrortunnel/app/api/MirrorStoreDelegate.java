package org.mirrortunnel.app.api;

import org.onosproject.store.StoreDelegate;

/**
 * Receives the events of the mirror store.
 */
public interface MirrorStoreDelegate extends StoreDelegate<MirrorEvent> {
}
