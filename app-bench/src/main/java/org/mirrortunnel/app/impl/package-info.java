/**
 * JMH benchmarks of the manager and its intent reconciliation; they sit in the manager's package to reuse its
 * test context.
 */
package org.mirrortunnel.app.impl;
