package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands events to a writer thread that appends them to the file in batches, one write per batch. Unlike
 * logback's AsyncAppender, a busy logging thread never wakes the writer (no futex call per event) and the
 * file sees one write per batch, not one per event: the writer looks every {@value #INTERVAL_MILLIS} ms.
 * After a quiet spell it dozes, so an idle server does not wake 500 times a second; the first event then
 * wakes it. The queue is bounded and blocks when full, except for a {@link NeverWaitingThread} (an event
 * loop): its line is then dropped and counted. The {@link FloodLimit} decides what is written.
 * A pass that fails in any way is counted ({@link Log#writerFailures()}) and the writer goes on.
 */
final class LineQueue extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final int INTERVAL_MILLIS = 2;
    /** Empty looks (of 2 ms each) before the writer dozes: a tenth of a second without an event. */
    private static final int LOOKS_BEFORE_DOZING = 50;
    private static final long DOZE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After a failed pass: a pause, so an error that repeats cannot spin the writer. */
    private static final long PAUSE_AFTER_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int BATCH = 1024;

    private final WholeLineFile file;
    private final FloodLimit limit;
    private final LogCounters counters;
    private final PrintStream stderr;
    private final BlockingQueue<ILoggingEvent> queue;
    private final Thread writer;
    private final List<ILoggingEvent> batch = new ArrayList<>(BATCH);
    private final StringBuilder text = new StringBuilder(64 * 1024);
    private volatile boolean running;
    private volatile boolean dozing;
    private volatile boolean writing;
    private boolean failureSaid;

    LineQueue(WholeLineFile file, FloodLimit limit, LogCounters counters, int capacity, PrintStream stderr) {
        this.file = file;
        this.limit = limit;
        this.counters = counters;
        this.stderr = stderr;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::drainLoop, "log-writer");
        writer.setDaemon(true);
    }

    @Override
    public void start() {
        running = true;
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // No prepareForDeferredProcessing(): it copies the MDC and resolves the thread name, and JsonLine
        // uses neither. Time, level, message and key-values are fixed when the event is made.
        if (!queue.offer(event)) {
            if (mayWaitOnThisThread()) {
                wakeWriterAndPut(event);
            } else {
                counters.dropped.increment(); // an event loop never waits on the disk: the line goes, the count says so
                LockSupport.unpark(writer);
            }
        } else if (dozing) {
            dozing = false;
            LockSupport.unpark(writer);
        }
    }

    static boolean mayWaitOnThisThread() {
        return !(Thread.currentThread() instanceof NeverWaitingThread);
    }

    private void wakeWriterAndPut(ILoggingEvent event) {
        LockSupport.unpark(writer);
        try {
            while (!queue.offer(event, 10, TimeUnit.MILLISECONDS)) {
                if (!writer.isAlive()) {
                    counters.lost.increment(); // no writer to wait for (stopped, or killed by something uncatchable)
                    return;
                }
                LockSupport.unpark(writer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            counters.lost.increment(); // the caller is being interrupted: count it rather than block on
        }
    }

    private void drainLoop() {
        int emptyLooks = 0;
        while (running) {
            if (guardedPass(false) > 0) {
                emptyLooks = 0;
            } else if (++emptyLooks < LOOKS_BEFORE_DOZING) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
            } else {
                // Say so before looking at the queue once more: an event offered after that look sees the flag.
                dozing = true;
                if (queue.isEmpty() && running) {
                    LockSupport.parkNanos(DOZE_NANOS);
                }
                dozing = false;
            }
        }
        while (guardedPass(false) > 0) {
            // stop(): write whatever is still queued
        }
        guardedPass(true);
    }

    /** One pass; whatever goes wrong in it is counted and said once, and the writer goes on. */
    private int guardedPass(boolean last) {
        writing = true;
        try {
            return writeBatch(last);
        } catch (Throwable e) { // NOPMD: the one thread that writes the log must outlive any error of a pass
            counters.writerFailures.increment();
            counters.lost.add(batch.size());
            if (!failureSaid) {
                failureSaid = true;
                stderr.println("trustctl: the log writer failed a pass (" + e + "); its lines are lost, it goes on");
            }
            LockSupport.parkNanos(PAUSE_AFTER_FAILURE_NANOS);
            return 1;
        } finally {
            batch.clear();
            writing = false;
        }
    }

    private int writeBatch(boolean last) {
        batch.clear();
        text.setLength(0);
        int n = queue.drainTo(batch, BATCH);
        if (last) {
            limit.lift(); // the log stops: nothing is skipped from now on, and what was is said in this pass
        }
        limit.takeSkipped(n > 0 ? batch.get(0).getTimeStamp() : System.currentTimeMillis());
        int lines = 0;
        for (ILoggingEvent e : batch) {
            if (!limit.admit(e)) {
                continue;
            }
            if ("server_start".equals(e.getMessage())) {
                file.headerFrom(e);
            } else if ("server_stop".equals(e.getMessage())) {
                lines += limit.summaries(e.getTimeStamp(), true, text); // what was held back, before the last word
            }
            try {
                text.append(JsonLine.format(e));
                lines++;
            } catch (RuntimeException unencodable) {
                counters.lost.increment(); // one bad field costs its own line only
            }
        }
        long now = n > 0 ? batch.get(n - 1).getTimeStamp() : System.currentTimeMillis();
        if (!last) {
            limit.shareVerdict(now);
        }
        lines += limit.summaries(now, last, text);
        if (lines > 0) {
            file.append(text.toString(), lines);
        }
        return n;
    }

    /** Waits (at most {@code timeoutMillis}) until everything logged before this call has been written. */
    boolean flush(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        LockSupport.unpark(writer);
        while (!queue.isEmpty() || writing) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
        super.stop();
    }
}
