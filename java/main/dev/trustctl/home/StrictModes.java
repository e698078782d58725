package dev.trustctl.home;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * ssh's StrictModes for TRUST_HOME and {@code logs/}: a directory trustctl writes in must be the user's own and
 * writable by no one else, or whoever can write there could swap a file for a symbolic link to one of the
 * user's. A refusal is one line that says what to fix.
 */
public final class StrictModes {
    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final long MY_UID = new UnixSystem().getUid();

    private StrictModes() {
    }

    /**
     * Fails unless {@code dir} is a directory owned by this user and not writable by group or others.
     * With {@code followLink} false a symbolic link is refused too ({@code logs/} must be a real directory).
     */
    public static void check(Path dir, String name, boolean followLink) throws HomeException {
        LinkOption[] how = followLink ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        if (!followLink && Files.isSymbolicLink(dir)) {
            throw new HomeException(name + " " + dir + " is a symbolic link: trustctl never writes through one;"
                    + " replace it with a directory (rm " + dir + " && mkdir -m 700 " + dir + ")");
        }
        if (!Files.isDirectory(dir, how)) {
            throw new HomeException(name + " is not a directory: " + dir);
        }
        int owner;
        Set<PosixFilePermission> mode;
        try {
            owner = (Integer) Files.getAttribute(dir, "unix:uid", how);
            mode = Files.getPosixFilePermissions(dir, how);
        } catch (IOException e) {
            throw new HomeException("cannot check " + name + " " + dir + ": " + HomeException.reason(e), e);
        }
        if (owner != MY_UID) {
            throw new HomeException(name + " " + dir + " belongs to uid " + owner + ", not to you (uid " + MY_UID
                    + "): use a directory of your own, or chown it");
        }
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new HomeException(name + " " + dir + " is writable by group or others ("
                    + PosixFilePermissions.toString(mode) + "): run chmod go-w " + dir);
        }
    }

    /** Sets {@code mode} on {@code path} when it is this user's regular file or directory; links are left alone. */
    public static void tighten(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (Files.isSymbolicLink(path) || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if ((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == MY_UID
                && !Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
            Files.setPosixFilePermissions(path, mode);
        }
    }
}
