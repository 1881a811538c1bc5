/**
 * Remote delivery of mirrored copies across the fabric: the mirror intent and its compiler.
 */
package org.mirrortunnel.app.intent;
