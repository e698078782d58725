package dev.trustctl.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** What one engine's fuzz run counted, added to by every client thread at once. */
final class Tally {
    final LongAdder sessions = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder bytesVerified = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder unlogged = new LongAdder();
    private final List<String> mismatches = new ArrayList<>();

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
        for (String m : mismatches()) {
            total.mismatch(m);
        }
    }

    String summary() {
        return sessions.sum() + " sessions, " + messages.sum() + " messages, " + bytesVerified.sum()
                + " bytes verified, " + writes.sum() + " writes, " + faults.sum() + " faults injected, "
                + mismatches().size() + " mismatches";
    }
}
