package dev.trustctl.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server holds for its clients between reads, all engines and connections together: the buffers of
 * messages not yet whole and of replies not yet sent. Bounded ({@link ServerSettings#MAX_HELD_BYTES}), so clients
 * that each stall inside a large frame cannot exhaust the heap or direct memory, however many {@code --max-clients}
 * allows: past the bound, the client that would need more is closed ({@code conn_rejected}, reason
 * {@code memory_limit}) and every other client is served as before.
 */
public final class HeldBytes {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    public HeldBytes(long limit) {
        this.limit = limit;
    }

    /** One connection holds {@code bytes} more; throws, holding nothing more, if that would pass the bound. */
    public void take(int bytes) throws HeldBytesExceededException {
        long now = held.addAndGet(bytes);
        if (now > limit) {
            held.addAndGet(-bytes);
            throw new HeldBytesExceededException(bytes, now - bytes, limit);
        }
    }

    /** One connection holds {@code bytes} less. */
    public void give(int bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held now. */
    public long held() {
        return held.get();
    }
}
