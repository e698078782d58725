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
 * logback's way into the {@link LogFile}: each event becomes one {@link Json#line}. A short command writes its lines
 * in its own thread. A server's threads only hand events to a bounded queue, so the per-frame path never waits on the
 * disk: a writer thread looks every {@value #INTERVAL_MILLIS} ms, takes what is queued, lets the {@link FloodLimit}
 * decide, and writes the batch in one write. Unlike logback's AsyncAppender, a busy logging thread never wakes the
 * writer (no futex call per event) and the file sees one write per batch, not one per event. After a quiet spell the
 * writer dozes, so an idle server does not wake 500 times a second; the first event then wakes it. A full queue makes
 * the caller wait, except a {@link NeverWaitingThread} (an event loop): its line is dropped and counted. A pass that
 * fails in any way is counted ({@link Log#writerFailures()}) and the writer goes on.
 */
final class LogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final int INTERVAL_MILLIS = 2;
    private static final int QUEUE_SIZE = 8192;
    private static final int BATCH = 1024;
    /** Empty looks (of 2 ms each) before the writer dozes: a tenth of a second without an event. */
    private static final int LOOKS_BEFORE_DOZING = 50;
    private static final long DOZE_NANOS = TimeUnit.SECONDS.toNanos(1);

    final FloodLimit limit; // null: no limit (a short command's log, or burst=0)
    private final LogFile file;
    private final PrintStream stderr;
    private final BlockingQueue<ILoggingEvent> queue; // null: each line is written in the caller's thread
    private final Thread writer = new Thread(this::drainLoop, "log-writer");
    private final List<ILoggingEvent> batch = new ArrayList<>(BATCH);
    private final StringBuilder text = new StringBuilder(); // grows to the biggest batch once, then is reused
    private volatile boolean running;
    private volatile boolean dozing;
    private volatile boolean writing;
    private boolean failureSaid;

    LogAppender(LogFile file, boolean queued, LogSettings settings, PrintStream stderr) {
        this.file = file;
        this.limit = queued && settings.burst() > 0 ? new FloodLimit(settings) : null;
        this.stderr = stderr;
        this.queue = queued ? new ArrayBlockingQueue<>(QUEUE_SIZE) : null;
        writer.setDaemon(true);
    }

    @Override
    public void start() {
        running = queue != null;
        if (running) {
            writer.start();
        }
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // No prepareForDeferredProcessing(): it copies the MDC and resolves the thread name, and a line uses neither.
        // Time, level, message and key-values are fixed when the event is made.
        if (queue == null) {
            StringBuilder line = new StringBuilder();
            format(event, line);
            file.append(line.toString());
        } else if (!queue.offer(event)) {
            LockSupport.unpark(writer);
            if (Thread.currentThread() instanceof NeverWaitingThread) {
                Log.DROPPED.incrementAndGet(); // an event loop never waits on the disk: the line goes, the count says so
            } else {
                waitAndPut(event);
            }
        } else if (dozing) {
            dozing = false;
            LockSupport.unpark(writer);
        }
    }

    private void waitAndPut(ILoggingEvent event) {
        try {
            do {
                if (queue.offer(event, 10, TimeUnit.MILLISECONDS)) {
                    return;
                }
                LockSupport.unpark(writer);
            } while (writer.isAlive());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller is being interrupted: count the line rather than block on
        }
        Log.LOST.incrementAndGet(); // no writer to wait for (stopped, or killed by something uncatchable), or interrupted
    }

    /** A logback event's line: the event name is the message, the fields its SLF4J key-value pairs. */
    static String line(ILoggingEvent e) {
        return Json.line(e.getTimeStamp(), String.valueOf(e.getLevel()), e.getMessage(), e.getKeyValuePairs());
    }

    /** Appends the event's line to {@code out}; a field whose text cannot be had costs this line only (counted). */
    private void format(ILoggingEvent e, StringBuilder out) {
        try {
            out.append(line(e));
        } catch (RuntimeException unencodable) {
            Log.LOST.incrementAndGet();
            return;
        }
        if ("server_start".equals(e.getMessage())) {
            file.headerFrom(e.getTimeStamp(), e.getKeyValuePairs());
        }
    }

    private void drainLoop() {
        int emptyLooks = 0;
        while (running) {
            if (pass(false) > 0) {
                emptyLooks = 0;
                continue;
            }
            // Said before the queue is looked at once more: an event offered after that look sees the flag.
            dozing = ++emptyLooks >= LOOKS_BEFORE_DOZING;
            if (queue.isEmpty() && running) {
                LockSupport.parkNanos(dozing ? DOZE_NANOS : TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
            }
            dozing = false;
        }
        pass(true); // stop(): whatever is still queued
    }

    /** One pass: what is queued, in one write; whatever goes wrong is counted and said once, and the writer goes on. */
    private int pass(boolean last) {
        writing = true;
        try {
            text.setLength(0);
            int n = queue.drainTo(batch, last ? QUEUE_SIZE : BATCH);
            for (ILoggingEvent e : batch) {
                if (limit != null && "server_stop".equals(e.getMessage())) {
                    limit.say(e.getTimeStamp(), true, text); // what was held back, before the last word
                }
                if (limit == null || limit.admits(e)) {
                    format(e, text);
                }
            }
            if (limit != null) {
                limit.say(n > 0 ? batch.get(n - 1).getTimeStamp() : System.currentTimeMillis(), last, text);
            }
            file.append(text.toString());
            return n;
        } catch (Throwable e) { // NOPMD: the one thread that writes the log must outlive any error of a pass
            Log.FAILURES.incrementAndGet();
            Log.LOST.addAndGet(batch.size());
            if (!failureSaid) {
                failureSaid = true;
                stderr.println("trustctl: the log writer failed a pass (" + e + "); its lines are lost, it goes on");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // an error that repeats cannot spin the writer
            return 1;
        } finally {
            batch.clear();
            writing = false;
        }
    }

    /** Waits (at most {@code timeoutMillis}) until everything logged before this call has been written. */
    boolean flush(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        LockSupport.unpark(writer);
        while (queue != null && (!queue.isEmpty() || writing)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /** Writes whatever is still queued (the writer has 5 s), then closes the file. */
    @Override
    public void stop() {
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
