package dev.trustctl.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A server's queue: logback's AsyncAppender, whose one worker thread writes what it takes to the {@link SharedFile}.
 * A thread that logs into a full queue waits for room, as AsyncAppender does, unless it is a
 * {@link NeverWaitingThread} (an event loop): that one drops its line and counts it ({@link Log#linesDropped()})
 * once fewer than {@value #KEPT_FREE} places are free. That is AsyncAppender's own discarding threshold, with
 * {@code isDiscardable} asking which thread logs; the places kept free are the waiting threads' alone, so the put that
 * follows a loop's look finds room unless other threads fill all {@value #KEPT_FREE} in between.
 */
final class LogQueue extends AsyncAppenderBase<ILoggingEvent> {
    static final int SIZE = 8192;
    static final int KEPT_FREE = 256;
    /** Lines a {@link NeverWaitingThread} gave up because the queue was (nearly) full. */
    static final LongAdder DROPPED = new LongAdder();
    private final SharedFile file;

    LogQueue(SharedFile file, Context context) {
        this.file = file;
        setContext(context);
        setName("queue");
        setQueueSize(SIZE);
        setDiscardingThreshold(KEPT_FREE);
        setMaxFlushTime(5000); // at stop, for what is still queued (Log.stop flushes first)
        addAppender(file);
    }

    /** Asked by AsyncAppender only when fewer than {@value #KEPT_FREE} places are free. */
    @Override
    protected boolean isDiscardable(ILoggingEvent event) {
        if (Thread.currentThread() instanceof NeverWaitingThread) {
            DROPPED.increment(); // an event loop never waits on the disk: the line goes, the count says so
            return true;
        }
        return false;
    }

    /** Counts each line about to be put. No prepareForDeferredProcessing: JsonLine needs no MDC or thread name. */
    @Override
    protected void preprocess(ILoggingEvent event) {
        file.queued.increment(); // the file batches while more are on their way
    }

    /** Waits (at most {@code timeoutMillis}) until everything queued before this call has been written (or counted). */
    boolean flush(long timeoutMillis) {
        long target = file.queued.sum();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (file.done.sum() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
