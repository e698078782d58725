package dev.trustctl.loop;

import dev.trustctl.server.Admission;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The listening socket, served by the first event loop like any other channel: on OP_ACCEPT it accepts what is
 * waiting (at most {@value #BATCH} at a time), admits each client and gives it to the loops in turn; a client
 * for this loop is registered at once, without a hand-over or a wake-up. A failed accept (EMFILE) stops
 * listening for the back-off the {@link Admission} says, then listens again: the loop never spins on it.
 */
final class LoopAcceptor {
    private static final int BATCH = 64;

    private final ServerSocketChannel listener;
    private final Admission admission;
    private final LoopEngine engine;
    private final EventLoop home;
    private SelectionKey key;
    private long backoffMillis;

    LoopAcceptor(ServerSocketChannel listener, Admission admission, LoopEngine engine, EventLoop home) {
        this.listener = listener;
        this.admission = admission;
        this.engine = engine;
        this.home = home;
    }

    /** Starts listening on the home loop (on its thread). */
    void listen(SelectionKey registered) {
        key = registered;
        key.attach(this);
    }

    void onAcceptable() {
        for (int i = 0; i < BATCH; i++) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (ClosedChannelException stopped) {
                key.cancel(); // the server is stopping: nothing more to accept
                return;
            } catch (IOException e) {
                pause(e);
                return;
            }
            if (client == null) {
                backoffMillis = 0;
                return;
            }
            try {
                Admission.Admitted admitted = admission.admit(client);
                if (admitted != null) {
                    engine.place(admitted, home);
                }
            } catch (OutOfMemoryError e) {
                pause(e); // no memory for this client: it was closed; the machine needs a moment
                return;
            }
        }
    }

    private void pause(Throwable e) {
        backoffMillis = admission.acceptFailed(e, backoffMillis);
        key.interestOps(0);
        home.resumeAcceptingIn(this, backoffMillis);
    }

    /** The back-off is over: listen again. */
    void resume() {
        if (key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }
}
