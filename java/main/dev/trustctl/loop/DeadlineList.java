package dev.trustctl.loop;

/**
 * One of the loop's timers: its connections in the order their deadlines fall. Every wait on one list lasts the
 * same {@link #nanos}, so a connection whose deadline is renewed simply moves to the tail and the list stays
 * sorted: arming, renewing and cancelling are O(1), and finding what is due looks only at the head. The list is a
 * ring through one {@link Node} that belongs to no connection, so neither end needs a test.
 */
final class DeadlineList {
    long nanos; // how long each wait on this list lasts
    private final Node ring = new Node();

    /** A connection's place on its loop's timers: alone (linked to itself), or on one list. */
    static class Node {
        long deadline;
        Node prev = this;
        Node next = this;

        /** Takes it off its list, if it is on one. */
        void unlink() {
            prev.next = next;
            next.prev = prev;
            prev = this;
            next = this;
        }
    }

    /** {@code c}'s wait on this list starts at {@code now}: its deadline is no earlier than any other's. */
    void renew(LoopSession c, long now) {
        c.unlink();
        c.deadline = now + nanos;
        c.prev = ring.prev;
        c.next = ring;
        ring.prev.next = c;
        ring.prev = c;
    }

    /** How long until the first deadline falls (0 once it has passed); {@link Long#MAX_VALUE} if there is none. */
    long nanosToFirst(long now) {
        return ring.next == ring ? Long.MAX_VALUE : Math.max(0, ring.next.deadline - now);
    }

    /** The connection whose deadline falls first, or null. */
    LoopSession first() {
        return ring.next == ring ? null : (LoopSession) ring.next;
    }
}
