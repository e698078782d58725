package dev.trustctl.loop;

import dev.trustctl.proto.Protocol;
import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The week-3 engine ({@code --io loop}, the default): {@code loops} {@link EventLoop} threads, each serving
 * many non-blocking connections with one Selector. The first also serves the listener: on OP_ACCEPT it accepts
 * what is waiting (at most {@value #ACCEPT_BATCH} at a time), admits each client and gives it to the loops in
 * turn, where it stays for life. A failed accept (EMFILE) stops listening for the back-off the {@link Admission}
 * says, then listens again: the loop never spins on it. No thread and no buffer per idle client: thousands cost
 * a few hundred bytes each.
 */
public final class LoopEngine implements Engine {
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
    private static final int ACCEPT_BATCH = 64;

    private final EventLoop[] loops;
    private Admission admission; // set before the listener is registered, which publishes it to the first loop
    private long next;           // the first loop's alone, as is the rest: whose turn the next client is
    private long backoffMillis;  // after failed accepts in a row

    public LoopEngine(Duration timeout, Duration drain, int loopCount, Protocol.Factory protocols, Fatal fatal)
            throws IOException {
        loops = new EventLoop[loopCount];
        try {
            for (int i = 0; i < loopCount; i++) {
                loops[i] = new EventLoop("echo-loop-" + (i + 1), timeout, drain, protocols, fatal);
                loops[i].thread.start();
            }
        } catch (IOException | RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    /**
     * The first loop accepts: one wake-up per connection less than handing each over from an accept thread.
     * A listener it cannot register (the loop has ended) is this server's end, not a silent hang.
     */
    @Override
    public void start(ServerSocketChannel listener, Admission admission) throws IOException {
        this.admission = admission;
        listener.configureBlocking(false);
        try {
            listener.register(loops[0].selector, SelectionKey.OP_ACCEPT, this); // seen by the loop's next select
            loops[0].selector.wakeup();
        } catch (RuntimeException e) { // its selector is closed
            throw new IOException("cannot listen: " + e, e);
        }
    }

    /** The listener is ready (on the first loop's thread): accepts, admits and places what is waiting. */
    void accept(SelectionKey key) {
        try {
            for (int i = 0; i < ACCEPT_BATCH; i++) {
                SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
                if (client == null) {
                    backoffMillis = 0;
                    return;
                }
                Admission.Admitted admitted = admission.admit(client);
                if (admitted != null) {
                    place(admitted);
                }
            }
        } catch (ClosedChannelException stopped) {
            // the server is stopping: closing the listener cancelled its key, nothing more to accept
        } catch (IOException | OutOfMemoryError e) {
            // EMFILE and the like, or no memory for a client (it was closed): the machine needs a moment, so the
            // listener accepts nothing for the back-off (the loop goes on serving), then its loop listens again
            backoffMillis = admission.acceptFailed(e, backoffMillis);
            CompletableFuture.delayedExecutor(backoffMillis, TimeUnit.MILLISECONDS, loops[0]).execute(() -> {
                if (key.isValid()) {
                    key.interestOps(SelectionKey.OP_ACCEPT);
                }
            });
            key.interestOps(0); // after the resume is planned: should planning it fail, accepting goes on
        }
    }

    /** Gives a client to the next loop in turn; one for the accepting loop is registered at once, no hand-over. */
    private void place(Admission.Admitted admitted) {
        EventLoop loop = loops[(int) (next++ % loops.length)];
        if (loop == loops[0]) {
            loop.register(admitted);
        } else {
            loop.execute(() -> loop.register(admitted));
        }
    }

    @Override
    public int closeIdleSoon(Duration linger) {
        return sum(loop -> loop.closeIdleSoon(linger));
    }

    @Override
    public int closeAll() {
        return sum(EventLoop::closeAll);
    }

    @Override
    public long failedPasses() {
        return Arrays.stream(loops).mapToLong(loop -> loop.failedPasses).sum();
    }

    @Override
    public void shutdown() {
        Arrays.stream(loops).filter(Objects::nonNull).forEach(loop -> loop.shutdown(ANSWER_BOUND));
    }

    /**
     * Asks every loop at once (each answers on its own thread) and adds up the answers; a loop that has ended, or
     * does not answer within the bound (shutdown() ends it), counts 0: its count is unknown.
     */
    private int sum(ToIntFunction<EventLoop> question) {
        List<CompletableFuture<Integer>> answers = Arrays.stream(loops)
                .map(loop -> CompletableFuture.supplyAsync(() -> question.applyAsInt(loop), loop)
                        .completeOnTimeout(0, ANSWER_BOUND.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> 0))
                .toList();
        return answers.stream().mapToInt(CompletableFuture::join).sum();
    }
}
