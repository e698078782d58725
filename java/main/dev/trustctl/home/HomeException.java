package dev.trustctl.home;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** TRUST_HOME or a file in it cannot be used; the message is one line meant for the user. */
public final class HomeException extends IOException {
    private static final long serialVersionUID = 1L;

    public HomeException(String message) {
        super(message);
    }

    /** Keeps the failure underneath, so {@code --verbose} shows it as the trace's {@code Caused by:}. */
    public HomeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Why an I/O call failed, without the path a {@link FileSystemException} repeats in its message. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
