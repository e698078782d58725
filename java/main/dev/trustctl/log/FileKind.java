package dev.trustctl.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What a path that is not a regular file is, in words for an error: {@code a FIFO (named pipe)}, {@code a
 * directory}, {@code a socket}, {@code a character device}, {@code a block device}. Read from the file type
 * bits of lstat's mode, which only the JDK's {@code unix} attribute view gives.
 */
final class FileKind {
    private static final int TYPE_BITS = 0170000;

    private FileKind() {
    }

    static String of(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return "something else"; // gone since, or a JDK without the unix view
        }
        return switch (mode & TYPE_BITS) {
            case 0010000 -> "a FIFO (named pipe)";
            case 0020000 -> "a character device";
            case 0040000 -> "a directory";
            case 0060000 -> "a block device";
            case 0120000 -> "a symbolic link";
            case 0140000 -> "a socket";
            default -> "something else";
        };
    }
}
