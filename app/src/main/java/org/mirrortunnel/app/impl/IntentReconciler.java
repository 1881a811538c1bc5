package org.mirrortunnel.app.impl;

import org.mirrortunnel.app.agent.AgentEndpoint;
import org.mirrortunnel.app.api.MirrorException;
import org.mirrortunnel.app.api.MirrorSession;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.intent.Intent;
import org.onosproject.net.intent.IntentEvent;
import org.onosproject.net.intent.IntentService;
import org.onosproject.net.intent.IntentState;
import org.onosproject.net.intent.Key;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * Makes the app's intents in ONOS's intent store exactly what the sessions this node owns need: submits what
 * is missing or different, withdraws what no session needs and purges it once withdrawn. It remembers what it
 * submitted, so that a request ONOS has not processed yet is not sent twice; what it does not remember it
 * reads from the intent service, so a node that gains a session keeps the intents already right.
 */
final class IntentReconciler {
    private static final Set<IntentState> WITHDRAWN = EnumSet.of(IntentState.WITHDRAW_REQ,
            IntentState.WITHDRAWING, IntentState.WITHDRAWN, IntentState.PURGE_REQ);

    private final Logger log = getLogger(getClass());
    private final ApplicationId appId;
    private final IntentService intents;
    private final Predicate<String> owned;
    private final Supplier<Map<String, AgentEndpoint>> endpoints;
    /** What this node submitted and has not withdrawn, by session id and key. */
    private final Map<String, Map<Key, Intent>> submitted = new HashMap<>();

    /**
     * Creates the reconciler of one node.
     *
     * @param appId     the app, whose intents these are
     * @param intents   ONOS's intent service
     * @param owned     whether this node owns a session, by id
     * @param endpoints the agents' network config by agent id
     */
    IntentReconciler(ApplicationId appId, IntentService intents, Predicate<String> owned,
                     Supplier<Map<String, AgentEndpoint>> endpoints) {
        this.appId = appId;
        this.intents = intents;
        this.owned = owned;
        this.endpoints = endpoints;
    }

    /**
     * Brings one session's intents up to date after a change, when this node owns it: the intents its new
     * version needs, and those its previous version could have needed or this node submitted for it are checked.
     *
     * @param sessionId the session's id
     * @param session   the session as stored now, null when it is gone
     * @param previous  the session before the change, null when it is new
     */
    synchronized void sync(String sessionId, MirrorSession session, MirrorSession previous) {
        if (!owned.test(sessionId)) {
            forget(Set.of(sessionId));
            return;
        }
        List<Intent> present = new ArrayList<>();
        if (previous != null) {
            for (Key key : RemoteDelivery.possibleKeys(appId, previous)) {
                Intent intent = intents.getIntent(key);
                if (intent != null) {
                    present.add(intent);
                }
            }
        }
        apply(sessionId, session == null ? List.of() : wanted(session), present);
    }

    /**
     * Brings the intents of every session this node owns up to date, including intents of the app that no
     * session needs any more; forgets what it submitted for sessions it no longer owns.
     *
     * @param sessions all stored sessions
     */
    synchronized void syncAll(Collection<MirrorSession> sessions) {
        Map<String, List<Intent>> present = appIntents().stream()
                .collect(Collectors.groupingBy(i -> RemoteDelivery.sessionOf(i.key())));
        Map<String, MirrorSession> byId = sessions.stream().collect(Collectors.toMap(s -> s.id().id(), s -> s));
        Set<String> ids = new HashSet<>(present.keySet());
        ids.addAll(byId.keySet());
        ids.addAll(submitted.keySet());
        Set<String> others = ids.stream().filter(owned.negate()).collect(Collectors.toSet());
        forget(others);
        ids.removeAll(others);
        for (String id : ids) {
            MirrorSession s = byId.get(id);
            apply(id, s == null ? List.of() : wanted(s), present.getOrDefault(id, List.of()));
        }
    }

    /** Withdraws the intents of the sessions this node owns; the app stops. */
    synchronized void withdrawAll() {
        Map<Key, Intent> mine = new HashMap<>();
        submitted.values().forEach(mine::putAll);
        appIntents().stream().filter(i -> owned.test(RemoteDelivery.sessionOf(i.key())))
                .filter(i -> !WITHDRAWN.contains(intents.getIntentState(i.key())))
                .forEach(i -> mine.putIfAbsent(i.key(), i));
        mine.values().forEach(intents::withdraw);
        submitted.clear();
    }

    /**
     * Purges a withdrawn intent of the app that no session of this node needs.
     *
     * @param event an intent event
     */
    synchronized void withdrawn(IntentEvent event) {
        Intent intent = event.subject();
        if (event.type() == IntentEvent.Type.WITHDRAWN && intent.appId().equals(appId)
                && !ledger(RemoteDelivery.sessionOf(intent.key())).containsKey(intent.key())
                && owned.test(RemoteDelivery.sessionOf(intent.key()))) {
            intents.purge(intent);
        }
    }

    private List<Intent> wanted(MirrorSession session) {
        try {
            return RemoteDelivery.intentsFor(appId, session, endpoints.get());
        } catch (MirrorException e) {
            log.warn("Session {}: no remote delivery: {}", session.name(), e.getMessage());
            return List.of();
        }
    }

    private void apply(String sessionId, List<Intent> wanted, List<Intent> present) {
        Map<Key, Intent> mine = submitted.computeIfAbsent(sessionId, k -> new HashMap<>());
        Set<Key> keep = new HashSet<>();
        for (Intent w : wanted) {
            keep.add(w.key());
            if (!upToDate(mine, w)) {
                intents.submit(w);
                mine.put(w.key(), w);
            }
        }
        Map<Key, Intent> stale = new HashMap<>();
        for (Intent i : present) {
            if (!keep.contains(i.key())) {
                stale.put(i.key(), i);
            }
        }
        for (Iterator<Map.Entry<Key, Intent>> it = mine.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Key, Intent> e = it.next();
            if (!keep.contains(e.getKey())) {
                stale.put(e.getKey(), e.getValue());
                it.remove();
            }
        }
        if (mine.isEmpty()) {
            submitted.remove(sessionId);
        }
        for (Intent i : stale.values()) {
            IntentState state = intents.getIntentState(i.key());
            if (state == IntentState.WITHDRAWN) {
                intents.purge(i);
            } else if (!WITHDRAWN.contains(state)) {
                intents.withdraw(i);
            }
        }
    }

    /** Tells whether the intent service has the intent as wanted, or will once it processes what is in mine. */
    private boolean upToDate(Map<Key, Intent> mine, Intent wanted) {
        IntentState state = intents.getIntentState(wanted.key());
        if (WITHDRAWN.contains(state)) {
            return false;
        }
        Intent known = mine.get(wanted.key());
        if (known == null) {
            known = state == null ? null : intents.getIntent(wanted.key());
            if (known == null) {
                return false;
            }
            mine.put(known.key(), known);
        }
        return RemoteDelivery.sameDelivery(known, wanted);
    }

    private Map<Key, Intent> ledger(String sessionId) {
        return submitted.getOrDefault(sessionId, Map.of());
    }

    private void forget(Set<String> sessionIds) {
        submitted.keySet().removeAll(sessionIds);
    }

    private List<Intent> appIntents() {
        return StreamSupport.stream(intents.getIntentsByAppId(appId).spliterator(), false)
                .collect(Collectors.toList());
    }
}
