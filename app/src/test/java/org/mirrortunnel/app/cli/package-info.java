/**
 * Tests of the Karaf commands and completers.
 */
package org.mirrortunnel.app.cli;
