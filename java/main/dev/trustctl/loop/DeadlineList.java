package dev.trustctl.loop;

/**
 * One of the loop's timers: its connections in the order their deadlines fall. Every wait on one list lasts the
 * same {@link #nanos}, so a connection whose deadline is renewed simply moves to the tail and the list stays
 * sorted: arming, renewing and cancelling are O(1), and finding what is due looks only at the head.
 */
final class DeadlineList {
    long nanos; // how long each wait on this list lasts (the linger's is set by a stop)
    private LoopSession head;
    private LoopSession tail;

    DeadlineList(long nanos) {
        this.nanos = nanos;
    }

    /** {@code c}'s wait on this list starts at {@code now}: its deadline is no earlier than any other's. */
    void renew(LoopSession c, long now) {
        if (c.list != null) {
            c.list.remove(c);
        }
        c.deadline = now + nanos;
        c.prev = tail;
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        c.list = this;
    }

    void remove(LoopSession c) {
        if (c.prev == null) {
            head = c.next;
        } else {
            c.prev.next = c.next;
        }
        if (c.next == null) {
            tail = c.prev;
        } else {
            c.next.prev = c.prev;
        }
        c.prev = null;
        c.next = null;
        c.list = null;
    }

    /** The connection whose deadline falls first, or null. */
    LoopSession first() {
        return head;
    }
}
