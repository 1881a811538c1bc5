/**
 * The distributed mirror store: sessions, names, the VLAN pool and agent states in consistent maps.
 */
package org.mirrortunnel.app.store;
