package dev.trustctl.echo.threads;

import dev.trustctl.echo.Admission;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The blocking accept loop of the thread-per-client engine: accept, admit, hand the client to a session. A
 * failed accept (EMFILE and the like) backs off as the {@link Admission} says, sleeping: the loop never dies and
 * never spins. It ends when the listener is closed.
 */
final class BlockingAcceptor implements Runnable {
    /** Where an admitted client goes; throws if it could not be taken over (it is then refused). */
    interface Sessions {
        void serve(Admission.Admitted admitted) throws IOException;
    }

    private final ServerSocketChannel listener;
    private final Admission admission;
    private final Sessions sessions;

    BlockingAcceptor(ServerSocketChannel listener, Admission admission, Sessions sessions) {
        this.listener = listener;
        this.admission = admission;
        this.sessions = sessions;
    }

    @Override
    public void run() {
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
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
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
