package dev.trustctl.loop;

import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import dev.trustctl.proto.Protocol;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;

/**
 * The week-3 engine ({@code --io loop}, the default): {@code loops} {@link EventLoop} threads, each serving
 * many non-blocking connections with one Selector; the first also serves the listener. An accepted client goes
 * to the loops in turn and stays on its loop for life. No thread and no buffer per idle client: thousands cost
 * a few hundred bytes each.
 */
public final class LoopEngine implements Engine {
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

    private final EventLoop[] loops;
    private long next; // used by one thread at a time: the accepting one

    public LoopEngine(Duration timeout, Duration drain, int loopCount, Protocol.Factory protocols, Fatal fatal)
            throws IOException {
        loops = new EventLoop[loopCount];
        try {
            for (int i = 0; i < loopCount; i++) {
                loops[i] = new EventLoop("echo-loop-" + (i + 1), timeout, drain, protocols, fatal);
            }
        } catch (IOException | RuntimeException e) {
            shutdown();
            throw e;
        }
        for (EventLoop loop : loops) {
            loop.start();
        }
    }

    /**
     * The first loop accepts: one wake-up per connection less than handing each over from an accept thread.
     * Returns once it listens; a listener it cannot register is this server's end, not a silent hang.
     */
    @Override
    public void start(ServerSocketChannel listener, Admission admission) throws IOException {
        listener.configureBlocking(false);
        EventLoop first = loops[0];
        LoopAcceptor acceptor = new LoopAcceptor(listener, admission, this, first);
        CompletableFuture<Void> listening = new CompletableFuture<>();
        first.execute(() -> {
            try {
                first.listen(listener, acceptor);
                listening.complete(null);
            } catch (IOException | RuntimeException e) {
                listening.completeExceptionally(e);
            }
        });
        try {
            listening.get(ANSWER_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("cannot listen: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("the event loop did not start listening within " + ANSWER_BOUND.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting to listen");
        }
    }

    /** Gives an admitted client to the next loop in turn; from {@code here}'s own thread, so no hand-over there. */
    void place(Admission.Admitted admitted, EventLoop here) {
        EventLoop loop = loops[(int) (next++ % loops.length)];
        if (loop == here) {
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
        long failed = 0;
        for (EventLoop loop : loops) {
            failed += loop.failedPasses();
        }
        return failed;
    }

    @Override
    public void shutdown() {
        for (EventLoop loop : loops) {
            if (loop != null) {
                loop.shutdown(ANSWER_BOUND);
            }
        }
    }

    /** Asks every loop at once (each answers on its own thread) and adds up the answers. */
    private int sum(ToIntFunction<EventLoop> question) {
        List<CompletableFuture<Integer>> answers = new ArrayList<>(loops.length);
        for (EventLoop loop : loops) {
            answers.add(loop.ask(() -> question.applyAsInt(loop)));
        }
        int total = 0;
        for (CompletableFuture<Integer> answer : answers) {
            try {
                total += Math.max(0, answer.get(ANSWER_BOUND.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // a loop that cannot answer is ended by shutdown(); its count is unknown
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return total;
    }
}
