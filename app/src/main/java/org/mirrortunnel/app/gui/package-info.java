/**
 * The app's views in ONOS's classic web GUI: the Mirror Sessions table and the topology overlay.
 */
package org.mirrortunnel.app.gui;
