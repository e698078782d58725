package dev.trustctl.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock every trustctl process holds to append to or roll the log: {@code logs/.trustctl.log.lock}
 * (0600, opened without following a link). A holder that never lets go (a process stopped in the middle of
 * an append) costs the others {@value #WAIT_MILLIS} ms once: they then append without it (O_APPEND still keeps
 * each line whole), only trying it without waiting until they get it again, and leave rolling and cutting
 * back to the next write that holds it.
 */
final class RollLock implements Closeable {
    static final String NAME = ".trustctl.log.lock";
    static final long WAIT_MILLIS = 500;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final FileChannel channel;
    /** The last wait ran out: do not wait again until the lock has been had. */
    private boolean stuck;

    RollLock(Path logDir) throws IOException {
        this.channel = PrivateFile.open(logDir.resolve(NAME));
    }

    /** The lock, or null when another process kept it for {@value #WAIT_MILLIS} ms (fcntl has no timed wait). */
    FileLock acquire() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stuck ? 0 : WAIT_MILLIS);
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null || System.nanoTime() > deadline) {
                stuck = lock == null;
                return lock;
            }
            LockSupport.parkNanos(RETRY_NANOS);
        }
    }

    static void release(FileLock lock) {
        if (lock != null && lock.isValid()) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the lock file (at the latest, at exit) releases it
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
