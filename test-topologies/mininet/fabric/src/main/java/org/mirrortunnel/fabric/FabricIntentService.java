package org.mirrortunnel.fabric;

import org.onosproject.core.ApplicationId;
import org.onosproject.event.Event;
import org.onosproject.net.Link;
import org.onosproject.net.NetworkResource;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.intent.FlowRuleIntent;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentCompilationException;
import org.onosproject.net.intent.IntentCompiler;
import org.onosproject.net.intent.IntentEvent;
import org.onosproject.net.intent.IntentException;
import org.onosproject.net.intent.IntentExtensionService;
import org.onosproject.net.intent.IntentInstaller;
import org.onosproject.net.intent.IntentListener;
import org.onosproject.net.intent.IntentServiceAdapter;
import org.onosproject.net.intent.IntentState;
import org.onosproject.net.intent.Key;
import org.onosproject.net.link.LinkEvent;
import org.onosproject.net.topology.TopologyEvent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The intent service the app talks to, standing in for ONOS's IntentManager on the test fabric. It records every
 * submit and withdraw, compiles with the compilers registered into it (ONOS's own, see {@link OnosCore}) down to
 * FlowRuleIntents, and installs their rules through a {@link FlowInstaller}, adding the new rules before removing
 * the old (make before break). On a topology event it recompiles as ONOS's ObjectiveTracker does: the intents whose
 * resources include a removed link, and, when links came up, the failed ones.
 */
public class FabricIntentService extends IntentServiceAdapter implements IntentExtensionService {
    /**
     * One recorded call.
     *
     * @param op     "submit" or "withdraw"
     * @param intent the intent as given
     */
    public record Call(String op, Intent intent) {
    }

    private static final class Entry {
        Intent intent;
        IntentState state;
        List<Intent> installables = List.of();
        List<OfFlow> flows = List.of();
        String error;
    }

    private final FlowInstaller installer;
    private final Map<Class<? extends Intent>, IntentCompiler<? extends Intent>> compilers = new ConcurrentHashMap<>();
    private final Map<Key, Entry> intents = new LinkedHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<IntentListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param installer where compiled flows go
     */
    public FabricIntentService(FlowInstaller installer) {
        this.installer = installer;
    }

    @Override
    public void submit(Intent intent) {
        calls.add(new Call("submit", intent));
        IntentEvent event;
        synchronized (this) {
            Entry e = intents.computeIfAbsent(intent.key(), k -> new Entry());
            e.intent = intent;
            event = compileAndInstall(e);
        }
        post(event);
    }

    @Override
    public void withdraw(Intent intent) {
        calls.add(new Call("withdraw", intent));
        IntentEvent event;
        synchronized (this) {
            Entry e = intents.get(intent.key());
            if (e == null || e.state == IntentState.WITHDRAWN) {
                return;
            }
            installer.apply(List.of(), e.flows);
            e.flows = List.of();
            e.installables = List.of();
            e.state = IntentState.WITHDRAWN;
            event = new IntentEvent(IntentEvent.Type.WITHDRAWN, e.intent);
        }
        post(event);
    }

    @Override
    public synchronized void purge(Intent intent) {
        Entry e = intents.get(intent.key());
        if (e != null && (e.state == IntentState.WITHDRAWN || e.state == IntentState.FAILED)) {
            intents.remove(intent.key());
        }
    }

    /**
     * Recompiles what a topology change affects.
     *
     * @param event ONOS's topology event; its reasons are the link events behind it
     */
    void topologyChanged(TopologyEvent event) {
        Set<Link> removed = new HashSet<>();
        boolean added = false;
        for (Event<?, ?> reason : event.reasons() == null ? List.<Event>of() : event.reasons()) {
            if (reason instanceof LinkEvent) {
                LinkEvent le = (LinkEvent) reason;
                if (le.type() == LinkEvent.Type.LINK_REMOVED) {
                    removed.add(le.subject());
                } else {
                    added = true;
                }
            }
        }
        List<IntentEvent> events = new ArrayList<>();
        synchronized (this) {
            for (Entry e : intents.values()) {
                boolean hit = e.state == IntentState.INSTALLED && uses(e, removed);
                boolean retry = added && e.state == IntentState.FAILED;
                if (hit || retry) {
                    events.add(compileAndInstall(e));
                }
            }
        }
        events.forEach(this::post);
    }

    private static boolean uses(Entry e, Set<Link> links) {
        for (Intent i : e.installables) {
            for (NetworkResource r : i.resources()) {
                if (r instanceof Link && links.stream().anyMatch(l -> sameLink(l, (Link) r))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sameLink(Link a, Link b) {
        return a.src().equals(b.src()) && a.dst().equals(b.dst());
    }

    private IntentEvent compileAndInstall(Entry e) {
        List<OfFlow> flows;
        List<Intent> installables;
        try {
            installables = compile(e.intent, e.installables);
            flows = new ArrayList<>();
            for (Intent i : installables) {
                if (!(i instanceof FlowRuleIntent)) {
                    throw new IntentCompilationException("no installer for " + i.getClass().getSimpleName());
                }
                for (FlowRule r : ((FlowRuleIntent) i).flowRules()) {
                    flows.add(OfFlow.of(r));
                }
            }
            Set<String> keep = flows.stream().map(f -> f.device() + " " + f.matchText()).collect(Collectors.toSet());
            installer.apply(flows, e.flows.stream().filter(f -> !keep.contains(f.device() + " " + f.matchText()))
                    .collect(Collectors.toList()));
        } catch (IntentException | IllegalArgumentException | IllegalStateException ex) {
            // ONOS withdraws what a failed intent had installed.
            try {
                installer.apply(List.of(), e.flows);
                e.flows = List.of();
                e.installables = List.of();
            } catch (IllegalStateException removeFailed) {
                ex.addSuppressed(removeFailed);
            }
            e.state = IntentState.FAILED;
            e.error = ex.getMessage();
            return new IntentEvent(IntentEvent.Type.FAILED, e.intent);
        }
        e.installables = installables;
        e.flows = List.copyOf(flows);
        e.state = IntentState.INSTALLED;
        e.error = null;
        return new IntentEvent(IntentEvent.Type.INSTALLED, e.intent);
    }

    /** Compiles down to installable intents, as ONOS's CompilerRegistry does. */
    @SuppressWarnings("unchecked")
    private List<Intent> compile(Intent intent, List<Intent> previous) {
        if (intent.isInstallable()) {
            return List.of(intent);
        }
        IntentCompiler<Intent> compiler = null;
        for (Class<?> c = intent.getClass(); compiler == null && c != Object.class; c = c.getSuperclass()) {
            compiler = (IntentCompiler<Intent>) compilers.get(c);
        }
        if (compiler == null) {
            throw new IntentCompilationException("no compiler for " + intent.getClass().getSimpleName());
        }
        List<Intent> out = new ArrayList<>();
        for (Intent i : compiler.compile(intent, previous)) {
            out.addAll(compile(i, previous));
        }
        return out;
    }

    private void post(IntentEvent event) {
        listeners.forEach(l -> l.event(event));
    }

    /** Every submit and withdraw, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /**
     * The flows an intent has on the switches now.
     *
     * @param key intent key
     * @return flows, empty when none
     */
    public synchronized List<OfFlow> flows(Key key) {
        Entry e = intents.get(key);
        return e == null ? List.of() : e.flows;
    }

    /**
     * Why an intent failed.
     *
     * @param key intent key
     * @return the compiler's or installer's message, or null
     */
    public synchronized String error(Key key) {
        Entry e = intents.get(key);
        return e == null ? null : e.error;
    }

    @Override
    public synchronized Iterable<Intent> getIntents() {
        return intents.values().stream().map(e -> e.intent).collect(Collectors.toList());
    }

    @Override
    public synchronized Iterable<Intent> getIntentsByAppId(ApplicationId id) {
        return intents.values().stream().map(e -> e.intent).filter(i -> i.appId().equals(id))
                .collect(Collectors.toList());
    }

    @Override
    public synchronized long getIntentCount() {
        return intents.size();
    }

    @Override
    public synchronized Intent getIntent(Key key) {
        Entry e = intents.get(key);
        return e == null ? null : e.intent;
    }

    @Override
    public synchronized IntentState getIntentState(Key key) {
        Entry e = intents.get(key);
        return e == null ? null : e.state;
    }

    @Override
    public synchronized List<Intent> getInstallableIntents(Key key) {
        Entry e = intents.get(key);
        return e == null ? List.of() : e.installables;
    }

    @Override
    public void addListener(IntentListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(IntentListener listener) {
        listeners.remove(listener);
    }

    @Override
    public <T extends Intent> void registerCompiler(Class<T> cls, IntentCompiler<T> compiler) {
        compilers.put(cls, compiler);
    }

    @Override
    public <T extends Intent> void unregisterCompiler(Class<T> cls) {
        compilers.remove(cls);
    }

    @Override
    public Map<Class<? extends Intent>, IntentCompiler<? extends Intent>> getCompilers() {
        return Map.copyOf(compilers);
    }

    @Override
    public <T extends Intent> void registerInstaller(Class<T> cls, IntentInstaller<T> installer) {
        throw new UnsupportedOperationException("FlowRuleIntents are installed into Open vSwitch");
    }

    @Override
    public <T extends Intent> void unregisterInstaller(Class<T> cls) {
        throw new UnsupportedOperationException("FlowRuleIntents are installed into Open vSwitch");
    }

    @Override
    public Map<Class<? extends Intent>, IntentInstaller<? extends Intent>> getInstallers() {
        return Map.of();
    }

    @Override
    public <T extends Intent> IntentInstaller<T> getInstaller(Class<T> cls) {
        return null;
    }
}
