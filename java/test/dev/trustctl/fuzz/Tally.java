package dev.trustctl.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What one engine's fuzz run counted, added to by every client thread at once. */
final class Tally {
    final LongAdder sessions = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder bytesVerified = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder unlogged = new LongAdder();
    private final Map<String, LongAdder> faultKinds = new ConcurrentHashMap<>();
    private final List<String> mismatches = new ArrayList<>();

    void fault(String kind) {
        faults.increment();
        faultKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    synchronized void mismatch(String what) {
        mismatches.add(what);
    }

    synchronized List<String> mismatches() {
        return List.copyOf(mismatches);
    }

    void addTo(Tally total) {
        total.sessions.add(sessions.sum());
        total.messages.add(messages.sum());
        total.bytesVerified.add(bytesVerified.sum());
        total.writes.add(writes.sum());
        total.faults.add(faults.sum());
        total.unlogged.add(unlogged.sum());
        faultKinds.forEach((kind, n) -> total.faultKinds.computeIfAbsent(kind, k -> new LongAdder()).add(n.sum()));
        for (String m : mismatches()) {
            total.mismatch(m);
        }
    }

    String summary() {
        return sessions.sum() + " sessions, " + messages.sum() + " messages, " + bytesVerified.sum()
                + " bytes verified, " + writes.sum() + " writes, " + faults.sum() + " faults injected "
                + new TreeMap<>(faultKinds) + ", " + mismatches().size() + " mismatches"
                + (unlogged.sum() > 0 ? " (" + unlogged.sum() + " conn_close lines held back by the flood limit)" : "");
    }
}
