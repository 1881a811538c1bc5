/**
 * The REST API under /onos/mirror/v1: sessions, agents and the VLAN pool, the JSON codecs of the model
 * and one error model for every failure.
 */
package org.mirrortunnel.app.web;
