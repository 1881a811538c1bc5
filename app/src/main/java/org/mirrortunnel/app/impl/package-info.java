/**
 * The mirror manager, endpoint resolution, remote delivery and the programming of host agents.
 */
package org.mirrortunnel.app.impl;
