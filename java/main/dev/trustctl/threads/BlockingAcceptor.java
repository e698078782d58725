package dev.trustctl.threads;

import dev.trustctl.server.Admission;
import dev.trustctl.server.Engine;
import dev.trustctl.errors.ErrorMap;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The blocking accept loop of the thread-per-client engine: accept, admit, hand the client to a session. A
 * failed accept (EMFILE and the like) backs off as the {@link Admission} says, sleeping: the loop never spins,
 * and ends when the listener is closed. Only a fatal error ends it otherwise, and then the server ends too.
 */
final class BlockingAcceptor implements Runnable {
    /** Where an admitted client goes; throws if it could not be taken over (it is then refused). */
    interface Sessions {
        void serve(Admission.Admitted admitted) throws IOException;
    }

    private final ServerSocketChannel listener;
    private final Admission admission;
    private final Sessions sessions;
    private final Engine.Fatal fatal;

    BlockingAcceptor(ServerSocketChannel listener, Admission admission, Sessions sessions, Engine.Fatal fatal) {
        this.listener = listener;
        this.admission = admission;
        this.sessions = sessions;
        this.fatal = fatal;
    }

    @Override
    public void run() {
        try {
            acceptUntilClosed();
        } catch (Throwable e) {
            fatal.died(Thread.currentThread().getName(), e);
        }
    }

    private void acceptUntilClosed() {
        long backoff = 0;
        while (listener.isOpen()) {
            SocketChannel client;
            try {
                client = listener.accept();
                backoff = 0;
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                backoff = pause(admission.acceptFailed(e, backoff));
                continue;
            }
            try {
                Admission.Admitted admitted = admission.admit(client);
                if (admitted != null) {
                    serve(admitted);
                }
            } catch (OutOfMemoryError e) {
                // No thread (or memory) for this client: it was closed; the machine needs a moment, not a new loop.
                backoff = pause(admission.acceptFailed(e, backoff));
            }
        }
    }

    private void serve(Admission.Admitted admitted) {
        try {
            sessions.serve(admitted);
        } catch (IOException | RuntimeException | Error e) {
            ErrorMap.rethrowIfFatal(e);
            admission.refuse(admitted, e);
        }
    }

    private static long pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return millis;
    }
}
