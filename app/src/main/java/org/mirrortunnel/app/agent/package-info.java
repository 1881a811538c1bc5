/**
 * The gRPC client of the host agents and the translation of sessions into agent bindings.
 */
package org.mirrortunnel.app.agent;
