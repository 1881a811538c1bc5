/**
 * Tests of the REST API and the JSON codecs.
 */
package org.mirrortunnel.app.web;
