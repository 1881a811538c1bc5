/**
 * Karaf commands of the mirror app and their completers.
 */
package org.mirrortunnel.app.cli;
