package org.mirrortunnel.app.api;

import org.onosproject.event.EventListener;

/**
 * Listens to mirror session changes.
 */
public interface MirrorListener extends EventListener<MirrorEvent> {
}
