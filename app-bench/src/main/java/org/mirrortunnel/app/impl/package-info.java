/**
 * JMH benchmarks of the manager and the intent compiler; they sit in the manager's package to reuse its
 * test context.
 */
package org.mirrortunnel.app.impl;
