package dev.trustctl.threads;

import dev.trustctl.errors.ErrorMap;
import dev.trustctl.proto.DeadlineExceededException;
import dev.trustctl.proto.FrameCodec;
import dev.trustctl.proto.FrameTooLargeException;
import dev.trustctl.proto.Phase;
import dev.trustctl.proto.TruncatedFrameException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Virtual threads (Java 21, JEP 444) reached from code compiled for Java 17: {@code Thread.ofVirtual()}, its
 * builder's {@code name(prefix, start)} and {@code factory()}, and {@code Executors.newThreadPerTaskExecutor}
 * are called by name (reflection), so no Java 21 type appears in the source. On an older JVM {@link #available()}
 * is false. What virtual threads need before the first client (their pollers, the classes sessions share) is done
 * here too.
 */
public final class VirtualThreads {
    /** The first Java release with virtual threads as a final feature. */
    public static final int NEEDED_RELEASE = 21;

    private VirtualThreads() {
    }

    /** Whether this JVM has virtual threads (Java 19 and 20 had them as a preview only, off unless asked for). */
    public static boolean available() {
        return Runtime.version().feature() >= NEEDED_RELEASE;
    }

    /** The running JVM's version and home, for example {@code 17.0.15 (/usr/lib/jvm/java-17-openjdk-amd64)}. */
    public static String runningVersion() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")";
    }

    /**
     * An executor that starts one new virtual thread per task, named {@code prefix} and a number from 1:
     * {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix, 1).factory())}. Only when
     * {@link #available()}.
     */
    public static ExecutorService perTask(String prefix) {
        if (!available()) {
            throw new UnsupportedOperationException("virtual threads need Java " + NEEDED_RELEASE
                    + " or newer; this JVM is Java " + runningVersion());
        }
        ExecutorService executor;
        try {
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            Object virtual = Thread.class.getMethod("ofVirtual").invoke(null);
            Object named = builder.getMethod("name", String.class, long.class).invoke(virtual, prefix, 1L);
            Object factory = builder.getMethod("factory").invoke(named);
            executor = (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
                    .invoke(null, factory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a virtual-thread executor", e);
        }
        openPollers(executor);
        initializeSessionClasses();
        return executor;
    }

    /**
     * The JDK opens its pollers (epoll sets, a few descriptors) the first time a virtual thread waits on a
     * socket. Doing it here, by one wait on a pipe, keeps the server's descriptor count from start-up the same
     * as after any load. Bounded: a wait that never happens (or never ends) only gives up the warm-up.
     */
    private static void openPollers(ExecutorService executor) {
        try {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
                AtomicReference<Thread> reader = new AtomicReference<>();
                Future<Integer> read = executor.submit(() -> {
                    reader.set(Thread.currentThread());
                    return source.read(ByteBuffer.allocate(1));
                });
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while ((reader.get() == null || reader.get().getState() != Thread.State.WAITING)
                        && System.nanoTime() - giveUp < 0) {
                    Thread.sleep(1);
                }
                sink.write(ByteBuffer.wrap(new byte[1]));
                read.get(1, TimeUnit.SECONDS);
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            // no warm-up: the pollers open with the first client instead
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Initialises, before the first client, the classes that many sessions may first need at the same moment: the
     * failures (one watchdog pass times out every client that went idle together) and the nodes of a contended
     * lock (the log queue's, the first time two sessions log at once). A virtual thread that waits for another
     * thread to finish initialising a class pins its carrier, even on JDK 25; {@code make bench-pinning} caught
     * both ({@link DeadlineExceededException}, {@code AbstractQueuedSynchronizer$ExclusiveNode}).
     */
    private static void initializeSessionClasses() {
        List<IOException> failures = List.of(new DeadlineExceededException(Phase.IDLE, 1),
                new TruncatedFrameException(1, 2),
                new FrameTooLargeException(FrameCodec.MAX_PAYLOAD_BYTES + 1L, FrameCodec.MAX_PAYLOAD_BYTES),
                new EOFException(), new ClosedChannelException(), new AsynchronousCloseException());
        for (IOException e : failures) {
            ErrorMap.fields(ErrorMap.classify(e), e);
        }
        // java.base's lock queue nodes: package-private, so named; a JDK without them simply has other ones.
        for (String node : List.of("ExclusiveNode", "SharedNode", "ConditionNode")) {
            try {
                Class.forName("java.util.concurrent.locks.AbstractQueuedSynchronizer$" + node, true, null);
            } catch (ClassNotFoundException e) {
                // not this JDK's name: nothing to initialise early
            }
        }
    }
}
