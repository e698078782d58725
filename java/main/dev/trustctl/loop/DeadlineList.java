package dev.trustctl.loop;

/**
 * One of the loop's timers: its connections in the order their deadlines fall. Every deadline on one list is
 * "now plus the same duration", so a connection whose deadline is renewed simply moves to the tail and the list
 * stays sorted: arming, renewing and cancelling are O(1), and finding what is due looks only at the head.
 */
final class DeadlineList {
    /** Which wait this list times, so an expired connection knows what ran out. */
    enum Kind { PHASE, LINGER, DRAIN }

    final Kind kind;
    private LoopSession head;
    private LoopSession tail;

    DeadlineList(Kind kind) {
        this.kind = kind;
    }

    /** Sets {@code c}'s deadline to {@code deadline}, no earlier than any other's, and moves it to the tail. */
    void renew(LoopSession c, long deadline) {
        if (c.list != null) {
            c.list.remove(c);
        }
        c.deadline = deadline;
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
        if (c.list != this) {
            return;
        }
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
