/**
 * Mirror sessions: the model, the services and the store contract.
 */
package org.mirrortunnel.app.api;
