package dev.trustctl.log;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run by {@link LogFileTest} as another process: takes the log's lock, says so, and keeps it until stdin ends. */
public final class LockHolderChild {
    private LockHolderChild() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE, StandardOpenOption.CREATE);
             FileLock held = c.lock()) {
            System.out.println("locked " + held.isValid());
            System.out.flush();
            System.in.readAllBytes();
        }
    }
}
