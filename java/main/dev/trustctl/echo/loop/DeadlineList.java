package dev.trustctl.echo.loop;

/**
 * The loop's timer: its connections in the order their deadlines fall. Every deadline is "now plus the one
 * timeout", so a connection whose deadline is renewed simply moves to the tail and the list stays sorted:
 * arming, renewing and cancelling are O(1), and finding what is due looks only at the head.
 */
final class DeadlineList {
    private LoopConnection head;
    private LoopConnection tail;
    private int size;

    /** Sets {@code c}'s deadline to {@code deadline}, no earlier than any other's, and moves it to the tail. */
    void renew(LoopConnection c, long deadline) {
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
        size++;
    }

    void remove(LoopConnection c) {
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
        size--;
    }

    /** The connection whose deadline falls first, or null. */
    LoopConnection first() {
        return head;
    }

    int size() {
        return size;
    }
}
