package dev.trustctl.home;

import java.io.IOException;

/** TRUST_HOME or a file in it cannot be used; the message is one line meant for the user. */
public final class HomeException extends IOException {
    private static final long serialVersionUID = 1L;

    public HomeException(String message) {
        super(message);
    }
}
