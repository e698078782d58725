package dev.trustctl.wire;

import java.io.Closeable;
import java.io.IOException;

/** Closing a socket or channel whose failure to close changes nothing: the descriptor is released either way. */
public final class Closing {
    private Closing() {
    }

    public static void quietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
