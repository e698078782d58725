package dev.trustctl.log;

/**
 * A thread that never waits for the log writer (an event loop): when the writer's queue is full, its line is
 * dropped and counted ({@link Log#linesDropped()}) instead. An event loop serves thousands of clients; a slow disk
 * must not stall them all. The queue knows such a thread by its class: nothing is kept per thread.
 */
public final class NeverWaitingThread extends Thread {
    public NeverWaitingThread(Runnable task, String name) {
        super(task, name);
    }
}
