/**
 * Checks of the built application archive.
 */
package org.mirrortunnel.app.packaging;
